/**
 * Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value";
 * Fader, Hardie & Lee 2005, "RFM and CLV"): each transaction value z ~ Gamma(p, ν) with the
 * customer's scale ν ~ Gamma(q, γ), so a customer's mean spend is pulled towards the population
 * mean the fewer transactions she has. It is fitted on repeat customers only (x > 0), using
 * x and the mean value of their repeat transactions, mbar.
 */
import { err, ok, type Result } from '../../platform/result.ts';
import { maximizeInLogSpace, type FitOptions, type ModelFit } from './mle.ts';
import { logGamma } from './special.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Per customer: number of repeat transactions and their mean value; optional weights. */
export interface SpendData {
  x: Float64Array;
  mbar: Float64Array;
  weight?: Float64Array;
}

export interface GammaGammaFit extends ModelFit<GammaGammaParams> {
  /** rows left out of the fit and why (x = 0, non-positive or non-finite mbar) */
  excluded: { rows: number; reason: string } | null;
}

/**
 * Individual log-likelihood of mean spend mbar over x transactions (Fader & Hardie 2013, eq. 3):
 * ln[Γ(px+q)/(Γ(px)Γ(q)) · γ^q mbar^(px−1) x^(px) / (γ + x·mbar)^(px+q)].
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, mbar: number): number {
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(mbar) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + x * mbar)
  );
}

/** Σ weight · individual log-likelihood over the usable rows (x > 0, mbar > 0). */
export function gammaGammaTotalLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  let sum = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    if (w === 0 || !usable(data.x[i]!, data.mbar[i]!)) continue;
    sum += w * gammaGammaLogLikelihood(params, data.x[i]!, data.mbar[i]!);
  }
  return sum;
}

function usable(x: number, mbar: number): boolean {
  return x > 0 && Number.isFinite(x) && mbar > 0 && Number.isFinite(mbar);
}

/** Population mean spend per transaction, pγ/(q−1); null when q ≤ 1 (the mean does not exist). */
export function gammaGammaPopulationMeanSpend(params: GammaGammaParams): number | null {
  const { p, q, gamma } = params;
  return q > 1 ? (p * gamma) / (q - 1) : null;
}

/**
 * E[Z | x, mbar] = p(γ + x·mbar)/(px + q − 1) (Fader & Hardie 2013, eq. 5): a weighted average
 * of the population mean and the customer's own mean. Customers without usable spend (x = 0,
 * or a non-positive mean after refunds) get the population mean. Null when the expectation does
 * not exist (px + q ≤ 1).
 */
export function gammaGammaExpectedAverageSpend(params: GammaGammaParams, x: number, mbar: number): number | null {
  const { p, q, gamma } = params;
  if (!usable(x, mbar)) return gammaGammaPopulationMeanSpend(params);
  const denominator = p * x + q - 1;
  return denominator > 0 ? (p * (gamma + x * mbar)) / denominator : null;
}

/**
 * The summed log-likelihood of usable rows, split so an evaluation costs one log per customer:
 * the gamma-function part depends on x only (one term per distinct x), and
 * Σ w[(px−1) ln m + px ln x] is p·Σ w x(ln m + ln x) − Σ w ln m, fixed sums.
 */
function spendLikelihood(x: Float64Array, mbar: Float64Array, w: Float64Array): (params: GammaGammaParams) => number {
  const byX = new Map<number, number>();
  let W = 0;
  let xLogs = 0;
  let logM = 0;
  const xm = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    byX.set(x[i]!, (byX.get(x[i]!) ?? 0) + w[i]!);
    W += w[i]!;
    xLogs += w[i]! * x[i]! * (Math.log(mbar[i]!) + Math.log(x[i]!));
    logM += w[i]! * Math.log(mbar[i]!);
    xm[i] = x[i]! * mbar[i]!;
  }
  const xValues = Float64Array.from(byX.keys());
  const xWeights = Float64Array.from(byX.values());
  return ({ p, q, gamma }) => {
    if (!(p > 0 && q > 0 && gamma > 0)) return Number.NaN;
    let ll = W * (q * Math.log(gamma) - logGamma(q)) + p * xLogs - logM;
    for (let j = 0; j < xValues.length; j++) ll += xWeights[j]! * (logGamma(p * xValues[j]! + q) - logGamma(p * xValues[j]!));
    for (let i = 0; i < xm.length; i++) ll -= w[i]! * (p * x[i]! + q) * Math.log(gamma + xm[i]!);
    return ll;
  };
}

/**
 * Fits p, q, γ by maximum likelihood on the usable rows. Rows with x = 0 or mbar ≤ 0 (refunds,
 * free orders) or non-finite values are left out and counted in `excluded`; the fit fails with
 * a reason only when fewer than two distinct usable customers remain.
 *
 * @example
 * const fit = fitGammaGamma({ x, mbar });
 * if (fit.ok) gammaGammaExpectedAverageSpend(fit.value.params, 2, 22.35);
 */
export function fitGammaGamma(data: SpendData, options: FitOptions = {}): Result<GammaGammaFit> {
  if (data.mbar.length !== data.x.length || (data.weight && data.weight.length !== data.x.length)) {
    return err(`columns differ in length (x ${data.x.length}, mbar ${data.mbar.length})`);
  }
  const xs: number[] = [];
  const ms: number[] = [];
  const ws: number[] = [];
  let excludedRows = 0;
  let nonPositive = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    if (!(w > 0)) continue;
    const x = data.x[i]!;
    const m = data.mbar[i]!;
    if (!usable(x, m)) {
      excludedRows++;
      if (x > 0 && !(m > 0)) nonPositive++;
      continue;
    }
    xs.push(x);
    ms.push(m);
    ws.push(w);
  }
  const distinct = new Set(ms.map((m, i) => `${xs[i]}:${m}`)).size;
  if (distinct < 2) {
    return err(`too few repeat customers with positive spend to fit Gamma-Gamma (${distinct} distinct, ${excludedRows} rows excluded)`);
  }
  // Money is rescaled by the mean of mbar so the parameter bounds suit any currency; the
  // likelihood of a density in money moves by −ln(scale) per customer.
  let W = 0;
  let mean = 0;
  for (let i = 0; i < ms.length; i++) {
    W += ws[i]!;
    mean += ws[i]! * ms[i]!;
  }
  const scale = mean / W;
  const likelihood = spendLikelihood(Float64Array.from(xs), Float64Array.from(ms, (m) => m / scale), Float64Array.from(ws));
  const solution = maximizeInLogSpace({
    names: ['p', 'q', 'gamma'],
    starts: [
      [1, 1, 1],
      [5, 3, 0.5],
      [0.5, 10, 10],
    ],
    meanLogLikelihood: (v) => likelihood({ p: v[0]!, q: v[1]!, gamma: v[2]! }) / W,
    analyticGradient: false,
    maxIterations: options.maxIterations ?? 400,
  });
  if (!solution) return err('Gamma-Gamma likelihood is not finite anywhere the optimiser looked');
  const logLikelihood = solution.meanLogLikelihood * W - W * Math.log(scale);
  if (!Number.isFinite(logLikelihood)) return err('Gamma-Gamma log-likelihood is not finite at the optimum');
  const [p, q, gamma] = solution.params as unknown as [number, number, number];
  const reasons: string[] = [];
  if (nonPositive > 0) reasons.push(`${nonPositive} with non-positive mean spend`);
  if (excludedRows - nonPositive > 0) reasons.push(`${excludedRows - nonPositive} without repeat transactions or with non-finite values`);
  return ok({
    params: { p, q, gamma: gamma * scale },
    logLikelihood,
    converged: solution.converged,
    iterations: solution.iterations,
    boundary: solution.boundary as (keyof GammaGammaParams)[],
    excluded: excludedRows > 0 ? { rows: excludedRows, reason: reasons.join('; ') } : null,
  });
}
