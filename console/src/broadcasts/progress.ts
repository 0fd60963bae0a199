import type { MessageStatus, Progress } from './types';

/** Statuses a message does not leave (receipts may still move sent → delivered → read). */
const finished: MessageStatus[] = ['sent', 'delivered', 'read', 'failed', 'suppressed', 'skipped'];

/** Bar sections in display order, each a group of statuses with its colour. */
export const SECTIONS = [
  { id: 'delivered', statuses: ['delivered', 'read'], color: 'green' },
  { id: 'sent', statuses: ['sent'], color: 'teal' },
  { id: 'failed', statuses: ['failed'], color: 'red' },
  { id: 'suppressed', statuses: ['suppressed', 'skipped'], color: 'orange' },
  { id: 'queued', statuses: ['queued', 'scheduled', 'sending'], color: 'blue.3' },
] as const satisfies readonly { id: MessageStatus; statuses: MessageStatus[]; color: string }[];

/**
 * How far a broadcast got: `total` is every message it will send (the audience minus the holdout,
 * or what is known so far), `done` those in a final status.
 */
export function progressOf(p: Progress) {
  const count = (statuses: readonly MessageStatus[]) => statuses.reduce((n, s) => n + (p.byStatus[s] ?? 0), 0);
  const messages = Object.values(p.byStatus).reduce((n, v) => n + (v ?? 0), 0);
  const total = Math.max(p.audience === null ? 0 : p.audience - p.holdout, messages + p.pending);
  const done = count(finished);
  const sections = SECTIONS.map((s) => ({ ...s, value: count(s.statuses) })).filter((s) => s.value > 0);
  return { total, done, sections };
}
