/**
 * Special functions the customer-base models need, written out so the models carry no
 * dependencies: log-gamma, digamma, log-beta, log-sum-exp helpers and the Gauss hypergeometric
 * series 2F1. Accuracy target: ~1e-14 relative, which is far below what the fits can resolve.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0 (and by reflection for non-integer x < 0.5), Lanczos approximation with
 * g = 7, n = 9 (Godfrey's coefficients, as in Numerical Recipes 3rd ed. §6.1): ~1e-15 relative.
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  const series =
    0.99999999999980993 +
    676.5203681218851 / (z + 1) -
    1259.1392167224028 / (z + 2) +
    771.32342877765313 / (z + 3) -
    176.61502916214059 / (z + 4) +
    12.507343278686905 / (z + 5) -
    0.13857109526572012 / (z + 6) +
    9.9843695780195716e-6 / (z + 7) +
    1.5056327351493116e-7 / (z + 8);
  const t = z + 7.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/** ψ(x) = d/dx ln Γ(x): recurrence up to x ≥ 10, then the asymptotic (Bernoulli) series. */
export function digamma(x: number): number {
  if (x <= 0 && Number.isInteger(x)) return Number.NaN;
  if (x < 0) return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift -= 1 / y;
    y += 1;
  }
  const f = 1 / (y * y);
  const tail = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
  return shift + Math.log(y) - 0.5 / y - tail;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * ln Γ(r + n) − ln Γ(r). For a small non-negative integer n it is the sum ln r + … + ln(r+n−1),
 * which is exact and cheaper than two Lanczos calls; otherwise it falls back to log-gamma.
 */
export function logRisingFactorial(r: number, n: number): number {
  if (Number.isInteger(n) && n >= 0 && n <= 64) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.log(r + i);
    return sum;
  }
  return logGamma(r + n) - logGamma(r);
}

/** ln(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(e^a − e^b) for a ≥ b; −∞ when they are equal. */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  const d = b - a;
  return d >= 0 ? Number.NEGATIVE_INFINITY : a + Math.log(-Math.expm1(d));
}

/** ln Σ e^v, shifted by the maximum so large terms do not overflow. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  if (max === Number.NEGATIVE_INFINITY || max === Number.POSITIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}

/** ln(1 + e^z), the smooth maximum of 0 and z. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** 1 / (1 + e^−z), the derivative of softplus. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

const MAX_SERIES_TERMS = 200_000;
/** above this argument the power series needs too many terms; use the 1 − z connection instead */
const SERIES_LIMIT = 0.95;

/** Sign of Γ(x): +1 for x > 0, alternating between the poles for x < 0, 0 at the poles. */
function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (Number.isInteger(x)) return 0;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** The plain power series Σ (a)_n (b)_n / ((c)_n n!) z^n, for 0 ≤ z < 1. */
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (term === 0 || Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * 2F1 near z = 1 by the connection formula A&S 15.3.6, with w = 1 − z:
 * Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) F(a,b; a+b−c+1; w) + w^(c−a−b) Γ(c)Γ(a+b−c)/(Γ(a)Γ(b)) F(c−a,c−b; c−a−b+1; w).
 * When c−a−b is (nearly) an integer the two gamma ratios have cancelling poles; there the value
 * is extrapolated from c ± δ and c ± 2δ (symmetric averages, then Richardson: error O(δ⁴)),
 * accurate to ~1e-11 relative. If the two terms cancel badly (large a or b) and the plain series
 * is still affordable, the series is used instead.
 */
function hyp2f1NearOne(a: number, b: number, c: number, z: number): number {
  const m = c - a - b;
  if (Math.abs(m - Math.round(m)) < 1e-5) {
    const delta = 1e-4;
    const near = 0.5 * (hyp2f1NearOne(a, b, c + delta, z) + hyp2f1NearOne(a, b, c - delta, z));
    const far = 0.5 * (hyp2f1NearOne(a, b, c + 2 * delta, z) + hyp2f1NearOne(a, b, c - 2 * delta, z));
    return (4 * near - far) / 3;
  }
  const w = 1 - z;
  const logGc = logGamma(c);
  let first = 0;
  const sign1 = gammaSign(m) * gammaSign(c - a) * gammaSign(c - b);
  if (sign1 !== 0) {
    const logCoef = logGc + logGamma(m) - logGamma(c - a) - logGamma(c - b);
    first = sign1 * Math.exp(logCoef) * hyp2f1Series(a, b, 1 - m, w);
  }
  let second = 0;
  const sign2 = gammaSign(-m) * gammaSign(a) * gammaSign(b);
  if (sign2 !== 0) {
    const logCoef = m * Math.log(w) + logGc + logGamma(-m) - logGamma(a) - logGamma(b);
    second = sign2 * Math.exp(logCoef) * hyp2f1Series(c - a, c - b, 1 + m, w);
  }
  const value = first + second;
  const cancellation = (Math.abs(first) + Math.abs(second)) / Math.abs(value);
  if (!(cancellation < 1e4) && z < 0.995) return hyp2f1Series(a, b, c, z);
  return value;
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1 (c > 0 assumed, as everywhere in
 * the models). For z < 0 the Pfaff transformation (A&S 15.3.4)
 * 2F1(a,b;c;z) = (1−z)^−a 2F1(a, c−b; c; z/(z−1)) moves the argument into [0, 1); up to 0.9 the
 * power series (A&S 15.1.1) converges geometrically; beyond, the 1 − z connection formula.
 * Callers with large parameters should still apply Euler's transformation (A&S 15.3.3) first so
 * that the series stay small — the model code does; see `bgnbd.ts` and `pareto-nbd.ts`.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1)) return Number.NaN;
  if (z < 0) {
    const w = z / (z - 1);
    return (1 - z) ** -a * hyp2f1(a, c - b, c, w);
  }
  if (z <= SERIES_LIMIT) return hyp2f1Series(a, b, c, z);
  return hyp2f1NearOne(a, b, c, z);
}
