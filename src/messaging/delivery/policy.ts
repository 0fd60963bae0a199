import type { ChannelKind } from '../channels/channel.ts';

/**
 * Pure rules of the delivery pipeline: quiet hours, retry backoff, STOP keywords, the consent
 * channel of a kind, and the preferred-channel score. No I/O here, so each is tested alone.
 */

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

// Building an Intl.DateTimeFormat costs far more than using one; the worker asks for every message.
const clockFormats = new Map<string, Intl.DateTimeFormat>();
function clockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    clockFormats.set(timeZone, format);
  }
  return format;
}

/** Minutes since local midnight and seconds into the minute, at `at` in `timeZone`. */
export function localClock(at: Date, timeZone: string): { minutes: number; seconds: number } {
  const parts = clockFormat(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minutes: get('hour') * 60 + get('minute'), seconds: get('second') };
}

/**
 * When `at` falls inside the quiet window [start, end) of `timeZone` (a window may wrap past
 * midnight, e.g. 21:00–09:00), the instant the window ends; otherwise undefined.
 */
export function quietHoursEnd(at: Date, timeZone: string, window: { start: string; end: string }): Date | undefined {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return undefined;
  const { minutes, seconds } = localClock(at, timeZone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return undefined;
  const wait = (end - minutes + 1440) % 1440;
  let candidate = new Date(at.getTime() + wait * 60_000 - seconds * 1000 - at.getMilliseconds());
  // A DST change inside the wait shifts the local clock: correct once by the difference.
  const drift = localClock(candidate, timeZone).minutes - end;
  if (drift !== 0 && Math.abs(drift) <= 120) candidate = new Date(candidate.getTime() - drift * 60_000);
  return candidate;
}

/**
 * Exponential backoff with ±50 % jitter (so that a burst of failures does not retry in lockstep),
 * never shorter than the provider's Retry-After, at most `maxMs`.
 */
export function retryDelayMs(attempt: number, opts: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined; random?: () => number }): number {
  const random = opts.random ?? Math.random;
  const exponential = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential * (0.5 + random());
  return Math.round(Math.min(opts.maxMs, Math.max(jittered, opts.retryAfterMs ?? 0)));
}

/** Delay before the next probe of an open circuit breaker: doubles per failed probe, ≤ 10 min. */
export function probeDelayMs(failures: number, threshold: number, baseMs: number): number {
  return Math.min(600_000, baseMs * 2 ** Math.max(0, failures - threshold));
}

const persianDigits = '۰۱۲۳۴۵۶۷۸۹';
const arabicDigits = '٠١٢٣٤٥٦٧٨٩';

/** Lower case, ASCII digits, Persian ی/ک, no spaces, ZWNJ, tatweel or punctuation. */
export function normalizeKeyword(text: string): string {
  return text
    .replace(/[۰-۹]/g, (d) => String(persianDigits.indexOf(d)))
    .replace(/[٠-٩]/g, (d) => String(arabicDigits.indexOf(d)))
    .replace(/ي/g, 'ی')
    .replace(/ك/g, 'ک')
    .toLowerCase()
    .replace(/\u200c|\u200d/g, '')
    .replace(/[\s\u0640.,!?؟،؛;:'"«»()\-_]+/g, '');
}

/**
 * Opt-out keywords (whole message): English carrier conventions (CTIA) and the Persian ones
 * Iranian operators and aggregators recognise ("لغو11" is the operators' advertising opt-out).
 */
export const stopKeywords = ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'optout', 'لغو', 'لغو11', 'توقف', 'انصراف', 'عضویتلغو', 'لغوعضویت'];
const stopSet = new Set(stopKeywords.map(normalizeKeyword));

export function isStopKeyword(text: string): boolean {
  return stopSet.has(normalizeKeyword(text));
}

/** The customer consent channel a kind is governed by (src/customers consent channels); null: none applies. */
export function consentChannelOf(kind: ChannelKind): string | null {
  if (kind === 'webpush') return 'push';
  // A webhook goes to the business's own system, not to the customer.
  if (kind === 'webhook') return null;
  return kind;
}

/** How much each outcome says about a channel reaching this customer. */
export const outcomeWeights: Record<string, number> = { delivered: 1, read: 2, replied: 3, failed: -1, suppressed: -2 };
/** Half-life of a past outcome's weight, in days. */
export const preferenceHalfLifeDays = 30;

/**
 * The order "auto" tries channels in: by learned score (outcomes weighted by recency), then by the
 * workspace's order for channels without history.
 */
export function rankChannels(order: readonly ChannelKind[], scores: ReadonlyMap<string, number>): ChannelKind[] {
  return order
    .map((kind, index) => ({ kind, index, score: scores.get(kind) ?? 0 }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((c) => c.kind);
}
