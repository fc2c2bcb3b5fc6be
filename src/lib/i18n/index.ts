// Message lookup for both catalogues. Pure: the current locale lives in
// src/lib/state/locale.svelte.ts; this module only translates.

import { en, type MessageKey } from './en';
import { formatDecimal, formatStatistic } from './format';
import { zhCN } from './zh-CN';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly { id: Locale; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '简体中文' },
];

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export type Params = Record<string, string | number>;

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The message for `key` with `{name}` placeholders filled from `params`. */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogues[locale][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? formatParam(locale, params[name]) : whole,
  );
}

/** An error carried as data ({code, params}) in the user's language. */
export function translateError(locale: Locale, code: string, params: Params = {}): string {
  if (code === 'cancelled') return translate(locale, 'error.cancelled');
  if (isMessageKey(code)) return translate(locale, code, params);
  return translate(locale, 'error.unknown', { code });
}

function formatParam(locale: Locale, value: string | number): string {
  return typeof value === 'number' ? formatNumber(locale, value) : value;
}

/**
 * A number for display (./format.ts has the rules): a statistic by default
 * (whole numbers whole, others to 4 significant digits), or with at most
 * `maximumFractionDigits` decimals when given (a percentage with 1).
 */
export function formatNumber(
  locale: Locale,
  value: number,
  maximumFractionDigits?: number,
): string {
  return maximumFractionDigits === undefined
    ? formatStatistic(locale, value)
    : formatDecimal(locale, value, maximumFractionDigits);
}

export function formatBytes(locale: Locale, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${formatNumber(locale, v, u === 0 ? 0 : 1)} ${units[u]}`;
}
