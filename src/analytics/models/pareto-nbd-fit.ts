/**
 * Maximum-likelihood fit of the Pareto/NBD model. The likelihood needs two Gauss
 * hypergeometric values per customer, one at (x, t_x) and one at (x, T); they are computed once
 * per distinct pair, which with day-resolution data is far fewer than the customers. The
 * gradient is by central differences (the analytic one through 2F1 is not worth the code).
 */
import { err, ok } from '../../platform/result.ts';
import { distinctValues, groupRows, meanObservationLength, unfittableTransactionData, type RfData } from './data.ts';
import { maximizeInLogSpace, type FitOptions, type FitResult } from './mle.ts';
import { logHypergeometricTerm, type ParetoNbdParams } from './pareto-nbd.ts';
import { logAddExp, logRisingFactorial, logSubExp } from './special.ts';

/**
 * The Pareto/NBD likelihood of an RfData with time divided by `timeScale`, organised so each
 * evaluation does the expensive work once per distinct value:
 *   per distinct x:       ln Γ(r+x)/Γ(r) (plus r ln α + s ln β for everyone)
 *   per distinct (x, T):  "alive at T" term and the hypergeometric term at T
 *   per distinct (x, t_x): the hypergeometric term at t_x
 *   per row:              ln[alive + s/(r+s+x) · (term(t_x) − term(T))], with log-add/sub-exp.
 */
class ParetoNbdLikelihood {
  readonly totalWeight: number;
  readonly repeatTransactions: number;
  private readonly weight: Float64Array;
  private readonly x: Float64Array;
  private readonly xs: { values: Float64Array; indexOfRow: Uint32Array; weight: Float64Array };
  private readonly atTx: Pairs;
  private readonly atT: Pairs;

  constructor(data: RfData, timeScale: number) {
    const rows: number[] = [];
    for (let i = 0; i < data.x.length; i++) if ((data.weight ? data.weight[i]! : 1) > 0) rows.push(i);
    this.weight = Float64Array.from(rows, (i) => (data.weight ? data.weight[i]! : 1));
    this.x = Float64Array.from(rows, (i) => data.x[i]!);
    const tx = Float64Array.from(rows, (i) => data.tx[i]! / timeScale);
    const T = Float64Array.from(rows, (i) => data.T[i]! / timeScale);
    let total = 0;
    let repeats = 0;
    for (let k = 0; k < rows.length; k++) {
      total += this.weight[k]!;
      repeats += this.weight[k]! * this.x[k]!;
    }
    this.totalWeight = total;
    this.repeatTransactions = repeats;
    const xs = distinctValues(this.x);
    const weightOfX = new Float64Array(xs.values.length);
    for (let k = 0; k < rows.length; k++) weightOfX[xs.indexOfRow[k]!] = weightOfX[xs.indexOfRow[k]!]! + this.weight[k]!;
    this.xs = { ...xs, weight: weightOfX };
    this.atTx = pairs(this.x, tx);
    this.atT = pairs(this.x, T);
  }

  evaluate(params: ParetoNbdParams): number {
    const { r, alpha, s, beta } = params;
    if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return Number.NaN;
    let ll = this.totalWeight * (r * Math.log(alpha) + s * Math.log(beta));
    for (let j = 0; j < this.xs.values.length; j++) ll += this.xs.weight[j]! * logRisingFactorial(r, this.xs.values[j]!);

    const termTx = this.atTx.terms;
    const termT = this.atT.terms;
    const aliveT = this.atT.alive;
    for (let g = 0; g < termTx.length; g++) termTx[g] = logHypergeometricTerm(params, this.atTx.x[g]!, this.atTx.t[g]!);
    for (let g = 0; g < termT.length; g++) {
      const x = this.atT.x[g]!;
      const T = this.atT.t[g]!;
      termT[g] = logHypergeometricTerm(params, x, T);
      aliveT[g] = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    }
    const logS = Math.log(s);
    for (let k = 0; k < this.weight.length; k++) {
      const gT = this.atT.ofRow[k]!;
      const died = logS - Math.log(r + s + this.x[k]!) + logSubExp(termTx[this.atTx.ofRow[k]!]!, termT[gT]!);
      ll += this.weight[k]! * logAddExp(aliveT[gT]!, died);
    }
    return ll;
  }
}

/** Distinct (x, t) pairs with scratch space for per-evaluation terms. */
interface Pairs {
  ofRow: Uint32Array;
  x: Float64Array;
  t: Float64Array;
  terms: Float64Array;
  alive: Float64Array;
}

function pairs(x: Float64Array, t: Float64Array): Pairs {
  const grouped = groupRows([x, t], x.length);
  return {
    ofRow: grouped.groupOfRow,
    x: Float64Array.from(grouped.firstRowOfGroup, (i) => x[i]!),
    t: Float64Array.from(grouped.firstRowOfGroup, (i) => t[i]!),
    terms: new Float64Array(grouped.groups),
    alive: new Float64Array(grouped.groups),
  };
}

/**
 * Fits Pareto/NBD by maximum likelihood (BFGS on log-parameters, numeric gradient).
 * On CDNOW it reproduces CLVTools to ~1e-4 in r, s and the log-likelihood; α and β are weakly
 * identified (a ridge along which they move together), so expect looser agreement there.
 *
 * @example
 * const fit = fitParetoNbd(compressRf({ x, tx, T }));
 */
export function fitParetoNbd(data: RfData, options: FitOptions = {}): FitResult<ParetoNbdParams> {
  const reason = unfittableTransactionData(data);
  if (reason) return err(reason);
  const timeScale = meanObservationLength(data);
  const likelihood = new ParetoNbdLikelihood(data, timeScale);
  const W = likelihood.totalWeight;
  const solution = maximizeInLogSpace({
    names: ['r', 'alpha', 's', 'beta'],
    starts: [
      [1, 1, 1, 1],
      [0.5, 0.3, 0.5, 0.3],
      [2, 5, 0.1, 10],
    ],
    meanLogLikelihood: (p) => likelihood.evaluate({ r: p[0]!, alpha: p[1]!, s: p[2]!, beta: p[3]! }) / W,
    analyticGradient: false,
    maxIterations: options.maxIterations ?? 400,
  });
  if (!solution) return err('Pareto/NBD likelihood is not finite anywhere the optimiser looked');
  const [r, alpha, s, beta] = solution.params as unknown as [number, number, number, number];
  const logLikelihood = solution.meanLogLikelihood * W - likelihood.repeatTransactions * Math.log(timeScale);
  if (!Number.isFinite(logLikelihood)) return err('Pareto/NBD log-likelihood is not finite at the optimum');
  return ok({
    params: { r, alpha: alpha * timeScale, s, beta: beta * timeScale },
    logLikelihood,
    converged: solution.converged,
    iterations: solution.iterations,
    boundary: solution.boundary as (keyof ParetoNbdParams)[],
  });
}
