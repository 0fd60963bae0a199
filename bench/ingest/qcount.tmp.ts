import pg from 'pg';
const orig = pg.Client.prototype.query;
const counts = new Map<string, number>();
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...a: unknown[]) {
  const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string })?.text ?? '?';
  const key = text.replace(/\s+/g, ' ').slice(0, 90);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return (orig as (...x: unknown[]) => unknown).apply(this, a);
} as never;
process.on('exit', () => {
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 40);
  for (const [k, v] of top) process.stderr.write(`${String(v).padStart(7)} ${k}\n`);
});
