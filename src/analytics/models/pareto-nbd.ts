/**
 * Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while alive a customer buys as a
 * Poisson process with rate λ ~ Gamma(r, α); her lifetime is exponential with rate
 * μ ~ Gamma(s, β). Formulas follow Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD
 * Model and Related Expressions", as implemented by BTYD (`pnbd.LL`, `pnbd.PAlive`,
 * `pnbd.ConditionalExpectedTransactions`). The fit lives in `pareto-nbd-fit.ts`.
 */
import type { RfCustomer, RfData } from './data.ts';
import { hyp2f1, logAddExp, logRisingFactorial, logSubExp } from './special.ts';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * ln of the hypergeometric term at time t, one half of the A0 difference in the likelihood:
 *   α ≥ β: 2F1(r+s+x, s+1; r+s+x+1; (α−β)/(α+t)) / (α+t)^(r+s+x)
 *   α < β: 2F1(r+s+x, r+x; r+s+x+1; (β−α)/(β+t)) / (β+t)^(r+s+x)
 * Both 2F1s go through Euler's transformation to 2F1(1, ·; r+s+x+1; z), whose series has positive
 * terms shrinking faster than z^n and sums to at most 1/(1−z); the (1−z) powers it produces are
 * folded into the denominators, so nothing overflows for frequent buyers:
 *   α ≥ β: ln 2F1(1, r+x; r+s+x+1; z) − (r+x) ln(α+t) − s ln(β+t)
 *   α < β: ln 2F1(1, s+1; r+s+x+1; z) + (1−r−x) ln(α+t) − (s+1) ln(β+t)
 */
export function logHypergeometricTerm(params: ParetoNbdParams, x: number, t: number): number {
  const { r, alpha, s, beta } = params;
  const c = r + s + x + 1;
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + t);
    return Math.log(hyp2f1(1, r + x, c, z)) - (r + x) * Math.log(alpha + t) - s * Math.log(beta + t);
  }
  const z = (beta - alpha) / (beta + t);
  return Math.log(hyp2f1(1, s + 1, c, z)) + (1 - r - x) * Math.log(alpha + t) - (s + 1) * Math.log(beta + t);
}

/**
 * The two parts of the individual likelihood (without the common factor Γ(r+x)α^rβ^s/Γ(r)):
 * alive through T, ln[(α+T)^−(r+x) (β+T)^−s], and died in (t_x, T], ln[s/(r+s+x) · A0].
 */
function likelihoodParts(params: ParetoNbdParams, customer: RfCustomer) {
  const { r, alpha, s, beta } = params;
  const { x, tx, T } = customer;
  const aliveAtT = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const a0 = logSubExp(logHypergeometricTerm(params, x, tx), logHypergeometricTerm(params, x, T));
  const diedBefore = Math.log(s) - Math.log(r + s + x) + a0;
  return { aliveAtT, diedBefore };
}

/**
 * Individual log-likelihood (Fader & Hardie 2005 note, eq. 22; BTYD `pnbd.LL`):
 * ln Γ(r+x)α^rβ^s/Γ(r) + ln[(α+T)^−(r+x)(β+T)^−s + s/(r+s+x) · A0].
 */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, customer: RfCustomer): number {
  const { r, alpha, s, beta } = params;
  const { aliveAtT, diedBefore } = likelihoodParts(params, customer);
  return logRisingFactorial(r, customer.x) + r * Math.log(alpha) + s * Math.log(beta) + logAddExp(aliveAtT, diedBefore);
}

/** Σ weight · individual log-likelihood. */
export function paretoNbdTotalLogLikelihood(params: ParetoNbdParams, data: RfData): number {
  let sum = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    if (w === 0) continue;
    sum += w * paretoNbdLogLikelihood(params, { x: data.x[i]!, tx: data.tx[i]!, T: data.T[i]! });
  }
  return sum;
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0) (Fader & Hardie 2005
 * note, eq. 19; BTYD `pnbd.PAlive`): the share of the likelihood that says "still alive".
 */
export function paretoNbdProbabilityAlive(params: ParetoNbdParams, customer: RfCustomer): number {
  const { aliveAtT, diedBefore } = likelihoodParts(params, customer);
  const logOdds = diedBefore - aliveAtT;
  if (logOdds === Number.NEGATIVE_INFINITY) return 1;
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/** (1 − u^(s−1)) / (s−1) for u in (0, 1], continuous through s = 1 (where it is −ln u). */
function powerDifferenceRatio(u: number, s: number): number {
  const logU = Math.log(u);
  const k = s - 1;
  return Math.abs(k) < 1e-12 ? -logU : -Math.expm1(k * logU) / k;
}

/**
 * E[Y(t) | x, t_x, T], expected transactions in (T, T+t] (Fader & Hardie 2005 note, eq. 21;
 * BTYD `pnbd.ConditionalExpectedTransactions`):
 * (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive).
 */
export function paretoNbdConditionalExpectedTransactions(params: ParetoNbdParams, customer: RfCustomer, t: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, s, beta } = params;
  const { x, T } = customer;
  const rate = ((r + x) * (beta + T)) / (alpha + T);
  return rate * powerDifferenceRatio((beta + T) / (beta + T + t), s) * paretoNbdProbabilityAlive(params, customer);
}

/**
 * E[X(t)], expected transactions of a new customer in (0, t] (Fader & Hardie 2005 note, eq. 17):
 * rβ / (α(s−1)) · [1 − (β/(β+t))^(s−1)].
 */
export function paretoNbdExpectedTransactions(params: ParetoNbdParams, t: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, s, beta } = params;
  return ((r * beta) / alpha) * powerDifferenceRatio(beta / (beta + t), s);
}
