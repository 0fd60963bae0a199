import type { TFunction } from 'i18next';
import type { AnalyticsMessages } from './i18n/en';

type ReasonKey = keyof AnalyticsMessages['reasons'];

/**
 * The server explains every missing figure in English (stable sentences, see
 * src/analytics). These patterns give each known sentence its translation; an unknown one is
 * shown as sent, so a new server reason is never hidden.
 */
const patterns: { re: RegExp; key: ReasonKey; params?: (m: RegExpMatchArray) => Record<string, string> }[] = [
  { re: /^figures have not been computed yet$/, key: 'notComputed' },
  { re: /^the period has not started yet$/, key: 'notStarted' },
  { re: /^no customers were active at the start of the period$/, key: 'noActiveAtStart' },
  { re: /^nobody bought in the period$/, key: 'noPurchasers' },
  { re: /^no orders in the period$/, key: 'noOrders' },
  { re: /^no customers yet$/, key: 'noCustomers' },
  { re: /^only (\d+) customers with orders; models need at least (\d+)$/, key: 'fewCustomers', params: (m) => ({ n: m[1] ?? '', min: m[2] ?? '' }) },
  { re: /^no customer has bought twice yet/, key: 'noRepeat' },
  { re: /^only (\d+) repeat buyers with spend; the spend model needs at least (\d+)$/, key: 'fewRepeaters', params: (m) => ({ n: m[1] ?? '', min: m[2] ?? '' }) },
  { re: /^the spend model has q ≤ 1/, key: 'spendInfinite' },
  { re: /^less than 8 weeks of order history/, key: 'shortHistory' },
  { re: /^no repeat purchases in the calibration period/, key: 'noCalibrationRepeat' },
  { re: /^only (\d+) customers carry the "(.+)" attribute; the churn model needs at least (\d+)$/, key: 'fewLabelled', params: (m) => ({ n: m[1] ?? '', label: m[2] ?? '', min: m[3] ?? '' }) },
  { re: /^the monthly \(BG\/BB\) model needs/, key: 'noDiscrete' },
  { re: /^no customers with a predicted CLV or revenue yet$/, key: 'noVip' },
  { re: /^group A has no customers$/, key: 'emptyA' },
  { re: /^group B has no customers$/, key: 'emptyB' },
];

export function translateReason(t: TFunction, reason: string): string {
  for (const p of patterns) {
    const m = reason.match(p.re);
    if (m) return t(`analytics.reasons.${p.key}` as 'analytics.reasons.fewCustomers', (p.params?.(m) ?? {}) as { n: string; min: string });
  }
  return reason;
}
