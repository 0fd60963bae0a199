/**
 * Box-constrained quasi-Newton minimisation (projected BFGS with Armijo backtracking). The
 * models optimise log-parameters, so the box is [log lower, log upper] per parameter; a
 * parameter that runs into its bound is held there (active set) instead of failing the fit —
 * this is what lets the BG/NBD fit finish when the dropout parameter `a` heads to 0.
 */

/** Returns f(x); when `gradient` is given, also writes ∇f(x) into it. Non-finite f = infeasible. */
export type Objective = (x: Float64Array, gradient?: Float64Array) => number;

export interface MinimizeOptions {
  lower: Float64Array;
  upper: Float64Array;
  maxIterations: number;
  /** stop when the projected gradient's largest component is below this */
  gradientTolerance: number;
  /** evaluate the gradient at every line-search trial (true when it costs little extra) */
  gradientIsCheap: boolean;
  /** largest change of any coordinate in one step (log-space: 3 = a factor of 20) */
  maxStep?: number;
  /** curvature learnt on a similar problem (n×n, row-major), used instead of the identity */
  initialInverseHessian?: Float64Array;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** final inverse-Hessian approximation (n×n), to warm-start a related problem */
  inverseHessian: Float64Array;
  /** why it stopped, for diagnostics */
  stop: 'gradient' | 'no-progress' | 'max-iterations' | 'not-finite';
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 50;
/** relative size of rounding noise in a sum of many per-customer terms */
const ROUNDING = 1e-13;

/** A coordinate is held when it sits on a bound and the gradient pushes it outward. */
function isHeld(x: number, g: number, lo: number, hi: number): boolean {
  return (x <= lo && g > 0) || (x >= hi && g < 0);
}

function projectedGradientNorm(x: Float64Array, g: Float64Array, lower: Float64Array, upper: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    if (isHeld(x[i]!, g[i]!, lower[i]!, upper[i]!)) continue;
    norm = Math.max(norm, Math.abs(g[i]!));
  }
  return norm;
}

export function minimizeBounded(objective: Objective, start: ArrayLike<number>, options: MinimizeOptions): MinimizeResult {
  const { lower, upper, maxIterations, gradientTolerance, gradientIsCheap } = options;
  const maxStep = options.maxStep ?? 3;
  const n = start.length;
  const clamp = (v: number, i: number) => Math.min(upper[i]!, Math.max(lower[i]!, v));
  let x = Float64Array.from(start, clamp);
  let g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) {
    return { x, value: f, gradient: g, iterations: 0, evaluations, converged: false, inverseHessian: new Float64Array(n * n), stop: 'not-finite' };
  }

  // H approximates the inverse Hessian on the free coordinates (zero rows/columns for held ones).
  const H = new Float64Array(n * n);
  let held = new Uint8Array(n);
  let fresh = true;
  const resetH = () => {
    H.fill(0);
    for (let i = 0; i < n; i++) if (!held[i]) H[i * n + i] = 1;
    fresh = true;
  };
  const heldNow = () => Uint8Array.from(x, (xi, i) => (isHeld(xi, g[i]!, lower[i]!, upper[i]!) ? 1 : 0));
  held = heldNow();
  resetH();
  if (options.initialInverseHessian && !held.some((h) => h === 1)) {
    H.set(options.initialInverseHessian);
    fresh = false;
  }

  const d = new Float64Array(n);
  const trial = new Float64Array(n);
  let trialGradient = new Float64Array(n);
  let iterations = 0;
  let stop: MinimizeResult['stop'] = 'max-iterations';
  let stalls = 0;

  while (iterations < maxIterations) {
    if (projectedGradientNorm(x, g, lower, upper) <= gradientTolerance) {
      stop = 'gradient';
      break;
    }
    iterations++;
    const nowHeld = heldNow();
    if (nowHeld.some((h, i) => h !== held[i])) {
      held = nowHeld;
      resetH();
    }
    // d = −H g, restricted to free coordinates; fall back to steepest descent if not downhill.
    let slope = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s -= H[i * n + j]! * g[j]!;
      d[i] = held[i] ? 0 : s;
      slope += d[i]! * g[i]!;
    }
    if (!(slope < 0)) {
      resetH();
      for (let i = 0; i < n; i++) d[i] = held[i] ? 0 : -g[i]!;
    }
    let longest = 0;
    for (let i = 0; i < n; i++) longest = Math.max(longest, Math.abs(d[i]!));
    const scale = longest > maxStep ? maxStep / longest : 1;

    // Armijo backtracking along the projected path x(t) = clamp(x + t d).
    let t = scale;
    let accepted = false;
    let fTrial = Number.NaN;
    for (let k = 0; k < MAX_BACKTRACKS; k++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        trial[i] = clamp(x[i]! + t * d[i]!, i);
        decrease += g[i]! * (trial[i]! - x[i]!);
      }
      fTrial = gradientIsCheap ? objective(trial, trialGradient) : objective(trial);
      evaluations++;
      if (Number.isFinite(fTrial) && fTrial <= f + ARMIJO * decrease) {
        accepted = true;
        break;
      }
      // Near the optimum f changes by less than its rounding error, so Armijo cannot tell a good
      // step from a bad one; accept a step that keeps f within rounding and shrinks the gradient
      // (the "approximate Wolfe" idea of Hager & Zhang 2005).
      if (
        gradientIsCheap &&
        Number.isFinite(fTrial) &&
        Math.abs(fTrial - f) <= ROUNDING * (1 + Math.abs(f)) &&
        projectedGradientNorm(trial, trialGradient, lower, upper) < projectedGradientNorm(x, g, lower, upper)
      ) {
        accepted = true;
        break;
      }
      t *= Number.isFinite(fTrial) ? 0.5 : 0.1;
      if (t * longest < 1e-14) break;
    }
    if (!accepted) {
      if (!fresh) {
        resetH(); // a stale curvature model can point the wrong way; retry along −g once
        continue;
      }
      stop = 'no-progress';
      break;
    }
    if (!gradientIsCheap) {
      objective(trial, trialGradient);
      evaluations++;
    }

    // BFGS update of the inverse Hessian with s = Δx, y = Δg (held coordinates excluded).
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let yy = 0;
    let stepLength = 0;
    for (let i = 0; i < n; i++) {
      s[i] = trial[i]! - x[i]!;
      y[i] = held[i] ? 0 : trialGradient[i]! - g[i]!;
      sy += s[i]! * y[i]!;
      yy += y[i]! * y[i]!;
      stepLength = Math.max(stepLength, Math.abs(s[i]!));
    }
    if (sy > 1e-12 * Math.sqrt(yy) * stepLength) {
      if (fresh) {
        // Shanno–Phua scaling of the first inverse-Hessian guess (Nocedal & Wright eq. 6.20).
        const gamma = sy / yy;
        for (let i = 0; i < n; i++) if (!held[i]) H[i * n + i] = gamma;
        fresh = false;
      }
      bfgsUpdate(H, s, y, sy, n);
    }

    const improvement = f - fTrial;
    x = Float64Array.from(trial);
    const previousG = g;
    g = trialGradient;
    trialGradient = previousG;
    f = fTrial;
    stalls = improvement <= 1e-15 * (1 + Math.abs(f)) && stepLength < 1e-9 ? stalls + 1 : 0;
    if (stalls >= 3) {
      stop = 'no-progress';
      break;
    }
  }
  // When no step improves f any more, the optimiser is at the limit of floating-point precision;
  // that counts as converged if the gradient is small in absolute terms (a unit change of a
  // log-parameter moves the mean log-likelihood per customer by less than 1e-6).
  const stallTolerance = Math.max(100 * gradientTolerance, 1e-6);
  const converged = stop === 'gradient' || (stop === 'no-progress' && projectedGradientNorm(x, g, lower, upper) <= stallTolerance);
  return { x, value: f, gradient: g, iterations, evaluations, converged, inverseHessian: Float64Array.from(H), stop };
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, with ρ = 1 / (yᵀs) (Nocedal & Wright eq. 6.17). */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, sy: number, n: number): void {
  const rho = 1 / sy;
  const Hy = new Float64Array(n);
  let yHy = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += H[i * n + j]! * y[j]!;
    Hy[i] = v;
    yHy += y[i]! * v;
  }
  const factor = (1 + rho * yHy) * rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i * n + j] = H[i * n + j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + factor * s[i]! * s[j]!;
    }
  }
}

/**
 * Central-difference gradient, for likelihoods whose analytic derivatives are not worth the
 * code (Pareto/NBD, BG/BB, Gamma-Gamma). Step 1e-5 in log-parameter space: truncation error
 * ~1e-10, rounding error ~1e-11 for per-customer averages of order 1.
 */
export function withNumericGradient(f: (x: Float64Array) => number, step = 1e-5): Objective {
  return (x, gradient) => {
    const value = f(x);
    if (!gradient || !Number.isFinite(value)) return value;
    const probe = Float64Array.from(x);
    for (let i = 0; i < x.length; i++) {
      probe[i] = x[i]! + step;
      const up = f(probe);
      probe[i] = x[i]! - step;
      const down = f(probe);
      probe[i] = x[i]!;
      gradient[i] = Number.isFinite(up) && Number.isFinite(down) ? (up - down) / (2 * step) : Number.NaN;
    }
    return value;
  };
}
