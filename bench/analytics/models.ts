/**
 * Benchmark: fit BG/NBD to 1,000,000 simulated customers in day units, the way the app will —
 * compressRf (merge identical (x, t_x, T) tuples into weights) then fitBgNbd — against
 * baselines measured in the same run on the same data:
 *   uncompressed — fitBgNbd on the raw 1,000,000 rows (same optimiser, one row per customer);
 *   naive LL     — one evaluation of the textbook per-customer log-likelihood
 *                  (bgNbdTotalLogLikelihood: log-gamma and log-beta per customer, as Python
 *                  lifetimes does);
 *   naive fit    — with --naive only (a few minutes): the same optimiser maximising that
 *                  textbook likelihood with a central-difference gradient, roughly what a
 *                  straightforward port of lifetimes would do.
 * Compressed and uncompressed fits alternate for --rounds rounds; the table shows the median
 * (and the fastest) so a busy machine or a cold JIT does not favour either.
 * Customers are acquired uniformly over two years (T = 1..730 whole days); transaction times are
 * recorded to the day (t_x floored), as the app stores them. True parameters are CDNOW's BG/NBD
 * estimates converted from weeks to days (α × 7).
 *
 *   npx tsx bench/analytics/models.ts [--customers 1000000] [--seed 1405] [--rounds 3] [--naive]
 *
 * Writes bench/.out/models.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bgNbdTotalLogLikelihood, type BgNbdParams } from '../../src/analytics/models/bgnbd.ts';
import { fitBgNbd } from '../../src/analytics/models/bgnbd-fit.ts';
import { compressRf, type RfData } from '../../src/analytics/models/data.ts';
import { maximizeInLogSpace } from '../../src/analytics/models/mle.ts';
import { mulberry32 } from '../../src/analytics/models/random.ts';
import { simulateBgNbd } from '../../src/analytics/models/simulate.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1405' },
    rounds: { type: 'string', default: '3' },
    naive: { type: 'boolean', default: false },
  },
});
const CUSTOMERS = Number(args.customers);
const SEED = Number(args.seed);
const ROUNDS = Number(args.rounds);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const time = <T>(work: () => T): [T, number] => {
  const start = performance.now();
  const value = work();
  return [value, performance.now() - start];
};
const mustFit = (result: ReturnType<typeof fitBgNbd>) => {
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

const truth: BgNbdParams = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };

log(`simulating ${CUSTOMERS.toLocaleString('en')} BG/NBD customers (seed ${SEED})`);
const uniform = mulberry32(SEED ^ 0x5eed);
const T = Float64Array.from({ length: CUSTOMERS }, () => 1 + Math.floor(uniform() * 730));
const [simulated, simulateMs] = time(() => simulateBgNbd(truth, { T, seed: SEED }));
const data: RfData = { x: simulated.x, tx: simulated.tx.map(Math.floor), T: simulated.T };
let repeatBuyers = 0;
for (const x of data.x) if (x > 0) repeatBuyers++;
log(`simulated in ${seconds(simulateMs)} s; ${repeatBuyers.toLocaleString('en')} customers with repeat purchases`);

const runs = { compress: [] as number[], compressedFit: [] as number[], total: [] as number[], plainFit: [] as number[] };
let tuples = 0;
let fast = mustFit(fitBgNbd(compressRf(data)));
let plain = fast;
for (let round = 1; round <= ROUNDS; round++) {
  const [plainResult, plainMs] = time(() => fitBgNbd(data));
  plain = mustFit(plainResult);
  const [compressed, compressMs] = time(() => compressRf(data));
  const [fastResult, fitMs] = time(() => fitBgNbd(compressed));
  fast = mustFit(fastResult);
  tuples = compressed.x.length;
  runs.compress.push(compressMs);
  runs.compressedFit.push(fitMs);
  runs.total.push(compressMs + fitMs);
  runs.plainFit.push(plainMs);
  log(`round ${round}: compressRf ${seconds(compressMs)} s + fitBgNbd ${seconds(fitMs)} s (${tuples.toLocaleString('en')} tuples); uncompressed ${seconds(plainMs)} s`);
}

const [naiveLl, naiveEvalMs] = time(() => bgNbdTotalLogLikelihood(fast.params, data));
log(`naive log-likelihood, one evaluation: ${seconds(naiveEvalMs)} s (LL ${naiveLl.toFixed(1)} vs fit ${fast.logLikelihood.toFixed(1)})`);

/** The textbook fit: per-customer likelihood, numeric gradient, same optimiser. */
function naiveFit(d: RfData) {
  const meanT = d.T.reduce((a, b) => a + b, 0) / d.T.length;
  const solution = maximizeInLogSpace({
    names: ['r', 'alpha', 'a', 'b'],
    starts: [[1, meanT, 1, 1]],
    meanLogLikelihood: (p) => bgNbdTotalLogLikelihood({ r: p[0]!, alpha: p[1]!, a: p[2]!, b: p[3]! }, d) / d.x.length,
    analyticGradient: false,
    maxIterations: 400,
  });
  if (!solution) throw new Error('naive fit failed');
  const [r, alpha, a, b] = solution.params as unknown as [number, number, number, number];
  return { params: { r, alpha, a, b }, logLikelihood: solution.meanLogLikelihood * d.x.length, iterations: solution.iterations };
}
let naive: { fit: ReturnType<typeof naiveFit>; ms: number } | null = null;
if (args.naive) {
  log('naive fit (textbook likelihood, numeric gradient) — this takes a while');
  const [fit, ms] = time(() => naiveFit(data));
  naive = { fit, ms };
  log(`naive fit ${seconds(ms)} s, ${fit.iterations} iterations`);
}

const secondsCell = (xs: number[]) => `${(median(xs) / 1000).toFixed(3)} (${(Math.min(...xs) / 1000).toFixed(3)})`;
const paramCells = (p: BgNbdParams) => [p.r.toFixed(4), p.alpha.toFixed(3), p.a.toFixed(4), p.b.toFixed(4)];
const table: string[][] = [
  ['run', 'rows', 'seconds: median (best)', 'iterations', 'r', 'alpha', 'a', 'b', 'log-likelihood'],
  ['true parameters', '', '', '', ...paramCells(truth), ''],
  ['compressRf + fitBgNbd', String(tuples), secondsCell(runs.total), String(fast.iterations), ...paramCells(fast.params), fast.logLikelihood.toFixed(1)],
  ['  compressRf alone', String(tuples), secondsCell(runs.compress), '', '', '', '', '', ''],
  ['  fitBgNbd alone', String(tuples), secondsCell(runs.compressedFit), '', '', '', '', '', ''],
  ['fitBgNbd, uncompressed', String(CUSTOMERS), secondsCell(runs.plainFit), String(plain.iterations), ...paramCells(plain.params), plain.logLikelihood.toFixed(1)],
  ['naive LL, 1 evaluation', String(CUSTOMERS), (naiveEvalMs / 1000).toFixed(3), '', '', '', '', '', naiveLl.toFixed(1)],
];
if (naive) table.push(['naive fit', String(CUSTOMERS), (naive.ms / 1000).toFixed(3), String(naive.fit.iterations), ...paramCells(naive.fit.params), naive.fit.logLikelihood.toFixed(1)]);
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
console.log(table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n'));
const relative = Object.fromEntries((Object.keys(truth) as (keyof BgNbdParams)[]).map((k) => [k, Number(((fast.params[k] - truth[k]) / truth[k]).toFixed(4))]));
console.log(`compressRf + fitBgNbd vs uncompressed: ${(median(runs.plainFit) / median(runs.total)).toFixed(2)}× (medians); relative error vs truth: ${JSON.stringify(relative)}`);

const out = path.resolve(import.meta.dirname, '../.out');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  path.join(out, 'models.json'),
  JSON.stringify(
    {
      customers: CUSTOMERS,
      seed: SEED,
      truth,
      simulateSeconds: seconds(simulateMs),
      tuples,
      roundsMs: runs,
      compressed: { medianSeconds: seconds(median(runs.total)), fit: fast },
      uncompressed: { medianSeconds: seconds(median(runs.plainFit)), fit: plain },
      naiveLogLikelihood: { oneEvaluationSeconds: seconds(naiveEvalMs) },
      naiveFit: naive ? { seconds: seconds(naive.ms), ...naive.fit } : null,
    },
    null,
    2,
  ),
);
