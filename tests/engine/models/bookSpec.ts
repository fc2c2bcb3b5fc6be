// The model the churn tests fit on the insurance sample: lapsed on the
// policyholder's age, channel and behaviour, a seeded 60/20/20 stratified
// split, no imbalance treatment. Test helper, not a test file.
import type { LogisticSpec } from '../../../src/lib/engine/models/train';

export const BOOK_SPEC: LogisticSpec = {
  target: 'lapsed',
  positive: 'true',
  features: [
    'age',
    'channel',
    'late_payments_12m',
    'complaints_12m',
    'claim_denied',
    'multi_policy',
  ],
  interactions: [],
  references: [],
  split: { kind: 'random', train: 0.6, validation: 0.2, test: 0.2, seed: 42, stratify: true },
  balance: { method: 'none', share: 0.5, correct: true, seed: 1 },
  selection: 'none',
  penalty: null,
  profile: false,
};
