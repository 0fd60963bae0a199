/** Nearest-rank percentile of an ascending array. */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** Latency summary in ms (rounded to `decimals`): count, p50, p90, p95, p99 and max. */
export function latency(ms: number[], decimals = 1) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
  return { n: s.length, p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? Number.NaN) };
}

/** Runs `work` over `items` with at most `n` in flight. */
export async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}
