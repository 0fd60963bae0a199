/**
 * BG/BB model for discrete transaction opportunities (Fader, Hardie & Shang 2010, "Customer-Base
 * Analysis in a Discrete-Time Noncontractual Setting", Marketing Science 29(6)): at each
 * opportunity an alive customer transacts with probability p ~ Beta(α, β) and, before the next
 * opportunity, drops out with probability θ ~ Beta(γ, δ). Think yearly donations, weekly visits
 * to an event, issues of a subscription box. Functions follow BTYD's `bgbb.*`.
 */
import { err, ok } from '../../platform/result.ts';
import { maximizeInLogSpace, type FitOptions, type FitResult } from './mle.ts';
import { logBeta, logGamma, logSumExp } from './special.ts';

export interface BgBbParams {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

/** One row per (x, t_x, n) pattern: x transactions, the last at opportunity t_x, out of n. */
export interface BgBbData {
  x: Float64Array;
  tx: Float64Array;
  n: Float64Array;
  weight?: Float64Array;
}

/**
 * Individual log-likelihood (FHS 2010, eq. 5):
 * ln[B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
 *    + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)].
 */
export function bgBbLogLikelihood(params: BgBbParams, x: number, tx: number, n: number): number {
  const { alpha, beta, gamma, delta } = params;
  const base = logBeta(alpha, beta);
  const dropBase = logBeta(gamma, delta);
  const terms = [logBeta(alpha + x, beta + n - x) - base + logBeta(gamma, delta + n) - dropBase];
  for (let i = 0; i <= n - tx - 1; i++) {
    terms.push(logBeta(alpha + x, beta + tx - x + i) - base + logBeta(gamma + 1, delta + tx + i) - dropBase);
  }
  return logSumExp(terms);
}

export function bgBbTotalLogLikelihood(params: BgBbParams, data: BgBbData): number {
  let sum = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    if (w === 0) continue;
    sum += w * bgBbLogLikelihood(params, data.x[i]!, data.tx[i]!, data.n[i]!);
  }
  return sum;
}

/** γ = 1 is a removable singularity of the expectations; evaluate just beside it. */
function awayFromOne(gamma: number): number {
  return Math.abs(gamma - 1) < 1e-7 ? 1 + 1e-7 : gamma;
}

/**
 * Expected repeat transactions of a new customer over n opportunities (FHS 2010, eq. 7):
 * α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n) / (Γ(γ+δ+n)Γ(1+δ))].
 */
export function bgBbExpectedTransactions(params: BgBbParams, n: number): number {
  if (!(n > 0)) return 0;
  const { alpha, beta, delta } = params;
  const gamma = awayFromOne(params.gamma);
  const ratio = Math.exp(logGamma(gamma + delta) + logGamma(1 + delta + n) - logGamma(gamma + delta + n) - logGamma(1 + delta));
  return (alpha / (alpha + beta)) * (delta / (gamma - 1)) * (1 - ratio);
}

/**
 * P(alive at opportunity n+1 | x, t_x, n) (FHS 2010, eq. 11; BTYD `bgbb.PAlive`):
 * B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L(α,β,γ,δ | x, t_x, n).
 */
export function bgBbProbabilityAlive(params: BgBbParams, x: number, tx: number, n: number): number {
  const { alpha, beta, gamma, delta } = params;
  const logAlive = logBeta(alpha + x, beta + n - x) - logBeta(alpha, beta) + logBeta(gamma, delta + n + 1) - logBeta(gamma, delta);
  return Math.min(1, Math.exp(logAlive - bgBbLogLikelihood(params, x, tx, n)));
}

/**
 * Expected transactions in the next nStar opportunities given (x, t_x, n) (FHS 2010, eq. 13;
 * BTYD `bgbb.ConditionalExpectedTransactions`):
 * 1/L · B(α+x+1, β+n−x)/B(α,β) · δ/(γ−1) · Γ(γ+δ)/Γ(1+δ)
 *     · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)].
 */
export function bgBbConditionalExpectedTransactions(params: BgBbParams, x: number, tx: number, n: number, nStar: number): number {
  if (!(nStar > 0)) return 0;
  const { alpha, beta, delta } = params;
  const gamma = awayFromOne(params.gamma);
  const p = { alpha, beta, gamma, delta };
  const logFront = -bgBbLogLikelihood(p, x, tx, n) + logBeta(alpha + x + 1, beta + n - x) - logBeta(alpha, beta) + logGamma(gamma + delta) - logGamma(1 + delta);
  const now = logGamma(1 + delta + n) - logGamma(gamma + delta + n);
  const later = logGamma(1 + delta + n + nStar) - logGamma(gamma + delta + n + nStar);
  // δ/(γ−1) · (e^now − e^later) keeps its sign for either side of γ = 1.
  return (delta / (gamma - 1)) * Math.exp(logFront + now) * -Math.expm1(later - now);
}

function invalidBgBbData(data: BgBbData): string | null {
  const k = data.x.length;
  if (data.tx.length !== k || data.n.length !== k || (data.weight && data.weight.length !== k)) return 'columns differ in length';
  for (let i = 0; i < k; i++) {
    const x = data.x[i]!;
    const tx = data.tx[i]!;
    const n = data.n[i]!;
    if (![x, tx, n].every(Number.isInteger)) return `row ${i}: x, tx and n must be whole numbers of opportunities`;
    if (x < 0 || tx < x || n < tx || (x > 0 && tx < 1)) return `row ${i}: need 0 ≤ x ≤ tx ≤ n (x ${x}, tx ${tx}, n ${n})`;
    const w = data.weight?.[i];
    if (w !== undefined && !(w >= 0 && Number.isFinite(w))) return `row ${i}: weight must be a finite number ≥ 0`;
  }
  return null;
}

/**
 * Fits BG/BB by maximum likelihood on (x, t_x, n, weight) rows.
 *
 * @example
 * const fit = fitBgBb({ x, tx, n, weight });
 * if (fit.ok) bgBbExpectedTransactions(fit.value.params, 6);
 */
export function fitBgBb(data: BgBbData, options: FitOptions = {}): FitResult<BgBbParams> {
  const invalid = invalidBgBbData(data);
  if (invalid) return err(invalid);
  let W = 0;
  let transactions = 0;
  let opportunities = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    W += w;
    transactions += w * data.x[i]!;
    opportunities += w * data.n[i]!;
  }
  if (W <= 0) return err('no customers to fit');
  if (transactions <= 0) return err('no repeat transactions: the transaction and dropout probabilities cannot be estimated');
  if (transactions >= opportunities) return err('every customer transacted at every opportunity: the probabilities sit at their bounds');
  const solution = maximizeInLogSpace({
    names: ['alpha', 'beta', 'gamma', 'delta'],
    starts: [
      [1, 1, 1, 1],
      [0.5, 0.5, 0.5, 3],
      [2, 2, 0.2, 10],
    ],
    meanLogLikelihood: (v) => bgBbTotalLogLikelihood({ alpha: v[0]!, beta: v[1]!, gamma: v[2]!, delta: v[3]! }, data) / W,
    analyticGradient: false,
    maxIterations: options.maxIterations ?? 400,
  });
  if (!solution) return err('BG/BB likelihood is not finite anywhere the optimiser looked');
  const logLikelihood = solution.meanLogLikelihood * W;
  if (!Number.isFinite(logLikelihood)) return err('BG/BB log-likelihood is not finite at the optimum');
  const [alpha, beta, gamma, delta] = solution.params as unknown as [number, number, number, number];
  return ok({
    params: { alpha, beta, gamma, delta },
    logLikelihood,
    converged: solution.converged,
    iterations: solution.iterations,
    boundary: solution.boundary as (keyof BgBbParams)[],
  });
}
