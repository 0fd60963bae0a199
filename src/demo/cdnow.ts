import fs from 'node:fs';

/**
 * The CDNOW 1/10 sample (Fader & Hardie; ../shared/data/cdnow/README.md): whitespace-separated,
 * no header — master id, sample id (1..2357), date YYYYMMDD, number of CDs, dollar value.
 */
export interface Transaction {
  customer: string;
  date: Date;
  quantity: number;
  /** US cents */
  cents: number;
}

export function parseCdnow(path: string): Transaction[] {
  const out: Transaction[] = [];
  for (const line of fs.readFileSync(path, 'utf8').split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const [, sampleId, ymd, cds, dollars] = cols as [string, string, string, string, string];
    out.push({
      customer: String(Number(sampleId)),
      date: new Date(Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8)), 12)),
      quantity: Number(cds),
      cents: Math.round(Number(dollars) * 100),
    });
  }
  return out;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Moves the 1997–98 purchases forward by whole weeks, so that the last one falls within the past
 * week: the demo's dashboards then show the present (this month's KPIs, customers at risk now),
 * while weekdays, gaps and every customer's history stay exactly as recorded.
 */
export function shiftToRecent(txs: Transaction[], now: Date): Transaction[] {
  const last = txs.reduce((max, tx) => Math.max(max, tx.date.getTime()), 0);
  const weeks = Math.max(0, Math.floor((now.getTime() - last) / WEEK_MS));
  return txs.map((tx) => ({ ...tx, date: new Date(tx.date.getTime() + weeks * WEEK_MS) }));
}
