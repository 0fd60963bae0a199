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
