/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way", Marketing
 * Science 24(2)): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
 * after every repeat purchase she drops out with probability p ~ Beta(a, b).
 * Equation numbers below refer to the paper; the fitting lives in `bgnbd-fit.ts`.
 */
import type { RfCustomer, RfData } from './data.ts';
import { hyp2f1, logAddExp, logBeta, logGamma, logRisingFactorial } from './special.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * Individual log-likelihood, FHL 2005 eq. 6 in logs:
 * ln[B(a,b+x)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) + δ(x>0) B(a+1,b+x−1)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+t_x)^(r+x))].
 * The second term is the first times a/(b+x−1) · ((α+T)/(α+t_x))^(r+x), combined by log-add-exp
 * so that x = 200 does not overflow.
 */
export function bgNbdLogLikelihood(params: BgNbdParams, customer: RfCustomer): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  const common = logRisingFactorial(r, x) + r * Math.log(alpha) + logBeta(a, b + x) - logBeta(a, b);
  const stillAlive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + stillAlive;
  const droppedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logAddExp(stillAlive, droppedAfterLast);
}

/** Σ weight · individual log-likelihood. */
export function bgNbdTotalLogLikelihood(params: BgNbdParams, data: RfData): number {
  let sum = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    if (w === 0) continue;
    sum += w * bgNbdLogLikelihood(params, { x: data.x[i]!, tx: data.tx[i]!, T: data.T[i]! });
  }
  return sum;
}

/** a = 1 is a removable singularity of eqs. 9 and 10; evaluate just beside it. */
function awayFromOne(a: number): number {
  return Math.abs(a - 1) < 1e-7 ? 1 + 1e-7 : a;
}

/**
 * E[X(t)], expected repeat transactions of a new customer in (0, t], FHL 2005 eq. 9:
 * (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))].
 * The 2F1 is taken through Euler's transformation, (1−z)^r · 2F1(r,b;c;z) =
 * (1−z)^(a−1) · 2F1(c−r, a−1; c; z), whose series does not blow up as t grows.
 */
export function bgNbdExpectedTransactions(params: BgNbdParams, t: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, b } = params;
  const a = awayFromOne(params.a);
  const c = a + b - 1;
  const z = t / (alpha + t);
  const tail = (alpha / (alpha + t)) ** (a - 1) * hyp2f1(c - r, a - 1, c, z);
  return (c / (a - 1)) * (1 - tail);
}

/**
 * P(X(t) = n), the probability of exactly n repeat transactions in (0, t], FHL 2005 eq. 8.
 * The negative binomial tail in the second term is summed directly when it is small, instead
 * of as 1 − (head), so that probabilities like 1e-7 keep their digits.
 */
export function bgNbdProbabilityOfTransactions(params: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = params;
  if (!(n >= 0) || !Number.isInteger(n)) return 0;
  if (!(t > 0)) return n === 0 ? 1 : 0;
  const logStay = Math.log(alpha / (alpha + t));
  const logGo = Math.log(t / (alpha + t));
  // ln P(NBD(r, α; t) = j) = ln Γ(r+j) − ln Γ(r) − ln j! + r ln(α/(α+t)) + j ln(t/(α+t))
  const logNbd = (j: number) => logRisingFactorial(r, j) - logGamma(j + 1) + r * logStay + j * logGo;
  const first = Math.exp(logBeta(a, b + n) - logBeta(a, b) + logNbd(n));
  if (n === 0) return first;
  let head = 0;
  for (let j = 0; j < n; j++) head += Math.exp(logNbd(j));
  let tail: number;
  if (head < 0.5) {
    tail = 1 - head;
  } else {
    tail = 0;
    for (let j = n; j < n + 1_000_000; j++) {
      const term = Math.exp(logNbd(j));
      tail += term;
      if (term <= 1e-17 * tail && j > n + (r * t) / alpha) break;
    }
  }
  return first + Math.exp(logBeta(a + 1, b + n - 1) - logBeta(a, b)) * tail;
}

/**
 * P(alive | x, t_x, T), FHL 2005 eq. 11 (and Fader, Hardie & Lee's 2008 note on it):
 * 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, customer: RfCustomer): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T], expected repeat transactions in (T, T+t] of a customer with history
 * (x, t_x, T), FHL 2005 eq. 10:
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive).
 * Euler's transformation again turns the bracket into 1 − (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * which stays finite for frequent buyers (x in the hundreds).
 */
export function bgNbdConditionalExpectedTransactions(params: BgNbdParams, customer: RfCustomer, t: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, b } = params;
  const a = awayFromOne(params.a);
  const { x, T } = customer;
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  const bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z);
  return (c / (a - 1)) * bracket * bgNbdProbabilityAlive(params, customer);
}
