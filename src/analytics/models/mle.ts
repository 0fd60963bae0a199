/**
 * Maximum likelihood in log-parameter space, shared by every model. All parameters here are
 * positive, so the optimiser works on θ = ln p, clamped to [ln 1e-6, ln 1e6] (the models first
 * rescale time so that these bounds are wide in any unit). A parameter that ends on a bound is
 * reported in `boundary` — e.g. BG/NBD `a` → 0 on retail data where nobody seems to drop out —
 * and the fit still counts as converged when the other parameters have settled.
 */
import type { Result } from '../../platform/result.ts';
import { minimizeBounded, withNumericGradient, type MinimizeResult, type Objective } from './optimize.ts';

/** A fitted model: parameters, maximised log-likelihood and how the optimiser ended. */
export interface ModelFit<P> {
  params: P;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  /** parameters that went to a bound (the likelihood keeps improving towards 0 or ∞) */
  boundary: (keyof P & string)[];
}

/** A fit, or the reason the data cannot be fitted (no repeat buyers, no rows, bad values…). */
export type FitResult<P> = Result<ModelFit<P>>;

export interface FitOptions {
  /** optimiser iteration budget (default 400) */
  maxIterations?: number;
}

export const PARAMETER_FLOOR = 1e-6;
export const PARAMETER_CEILING = 1e6;
const LOG_FLOOR = Math.log(PARAMETER_FLOOR);
const LOG_CEILING = Math.log(PARAMETER_CEILING);
/** within a factor 1000 of a bound, try whether the bound itself is as good */
const SNAP_ZONE = Math.log(1e3);
/** a mean log-likelihood this close counts as "no worse" when snapping to a bound */
const SNAP_TOLERANCE = 1e-10;
/** within 0.1% of a bound counts as on it (a ridge can stop a hair short of the clamp) */
const BOUND_CLOSENESS = 1e-3;

export interface LogSpaceProblem {
  names: readonly string[];
  /** starting points in natural (internal-unit) parameters; later ones are tried if earlier fail */
  starts: readonly (readonly number[])[];
  /**
   * Mean log-likelihood per customer at natural parameters (maximised). With `analyticGradient`
   * it also writes ∂/∂p into `gradient` when one is passed.
   */
  meanLogLikelihood: (params: Float64Array, gradient?: Float64Array) => number;
  analyticGradient: boolean;
  maxIterations: number;
  /**
   * A solution of a similar problem (e.g. the same model on a subsample): start there, with its
   * curvature, before trying `starts`. Cuts a large fit to a handful of iterations.
   */
  warmStart?: { params: Float64Array; inverseHessian: Float64Array };
}

export interface LogSpaceSolution {
  params: Float64Array;
  meanLogLikelihood: number;
  converged: boolean;
  iterations: number;
  boundary: string[];
  /** inverse Hessian of −mean LL in log-parameters at the solution (for warm starts) */
  inverseHessian: Float64Array;
}

export function maximizeInLogSpace(problem: LogSpaceProblem): LogSpaceSolution | null {
  const k = problem.names.length;
  const lower = new Float64Array(k).fill(LOG_FLOOR);
  const upper = new Float64Array(k).fill(LOG_CEILING);
  const toNatural = (theta: Float64Array) => Float64Array.from(theta, Math.exp);
  let objective: Objective;
  if (problem.analyticGradient) {
    const naturalGradient = new Float64Array(k);
    objective = (theta, gradient) => {
      const p = toNatural(theta);
      const ll = problem.meanLogLikelihood(p, gradient ? naturalGradient : undefined);
      if (gradient) for (let i = 0; i < k; i++) gradient[i] = -p[i]! * naturalGradient[i]!;
      return Number.isFinite(ll) ? -ll : Number.NaN;
    };
  } else {
    objective = withNumericGradient((theta) => {
      const ll = problem.meanLogLikelihood(toNatural(theta));
      return Number.isFinite(ll) ? -ll : Number.NaN;
    });
  }
  const options = {
    lower,
    upper,
    maxIterations: problem.maxIterations,
    gradientTolerance: problem.analyticGradient ? 1e-10 : 1e-8,
    gradientIsCheap: problem.analyticGradient,
  };

  let best: MinimizeResult | null = null;
  let iterations = 0;
  const attempts: { start: ArrayLike<number>; inverseHessian?: Float64Array }[] = problem.starts.map((start) => ({ start }));
  if (problem.warmStart) attempts.unshift({ start: problem.warmStart.params, inverseHessian: problem.warmStart.inverseHessian });
  for (const attempt of attempts) {
    const startOptions = attempt.inverseHessian ? { ...options, initialInverseHessian: attempt.inverseHessian } : options;
    let result = minimizeBounded(objective, Array.from(attempt.start, Math.log), startOptions);
    iterations += result.iterations;
    // Parameters drifting towards a bound approach it ever more slowly in log space (the
    // gradient vanishes); if the bound itself is as likely, put them there and polish the rest.
    const snapped = Float64Array.from(result.x);
    let moved = false;
    for (let i = 0; i < k; i++) {
      const v = snapped[i]!;
      const target = v < LOG_FLOOR + SNAP_ZONE ? LOG_FLOOR : v > LOG_CEILING - SNAP_ZONE ? LOG_CEILING : v;
      if (target === v) continue;
      snapped[i] = target;
      const f = objective(snapped);
      if (Number.isFinite(f) && f <= result.value + SNAP_TOLERANCE) moved = true;
      else snapped[i] = v;
    }
    if (moved) {
      const polished = minimizeBounded(objective, snapped, options);
      iterations += polished.iterations;
      if (Number.isFinite(polished.value) && polished.value <= result.value + SNAP_TOLERANCE) result = polished;
    }
    if (Number.isFinite(result.value) && (!best || better(result, best))) best = result;
    if (best?.converged) break;
  }
  if (!best) return null;
  const boundary: string[] = [];
  for (let i = 0; i < k; i++) {
    if (best.x[i]! <= LOG_FLOOR + BOUND_CLOSENESS || best.x[i]! >= LOG_CEILING - BOUND_CLOSENESS) boundary.push(problem.names[i]!);
  }
  return { params: toNatural(best.x), meanLogLikelihood: -best.value, converged: best.converged, iterations, boundary, inverseHessian: best.inverseHessian };
}

function better(a: MinimizeResult, b: MinimizeResult): boolean {
  if (a.converged !== b.converged) return a.converged;
  return a.value < b.value;
}
