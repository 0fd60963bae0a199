/**
 * One entry point for fitting a transaction model the way the app needs it: compress, fit the
 * preferred model, and if that truly fails (no finite likelihood, or no convergence) fit the
 * other one and say so. A parameter running to a bound is not a failure — the fit reports it in
 * `boundary` (e.g. BG/NBD `a` → 0 on retail data, where Python lifetimes stops with a
 * convergence error).
 */
import { err, ok, type Result } from '../../platform/result.ts';
import { compressRf, type RfData } from './data.ts';
import { fitBgNbd } from './bgnbd-fit.ts';
import { fitParetoNbd } from './pareto-nbd-fit.ts';
import { modelLabel, type TransactionModel, type TransactionModelName } from './transaction-model.ts';

export interface TransactionFitInfo {
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  /** parameters that went to a bound (converged there) */
  boundary: string[];
  /** set when the preferred model failed and this is the other one */
  fallbackFrom?: { model: TransactionModelName; reason: string };
}

export type TransactionModelFit = TransactionModel & TransactionFitInfo;

export interface FitTransactionModelOptions {
  /** which model to try first (default 'bgnbd') */
  prefer?: TransactionModelName;
  /** merge identical (x, t_x, T) rows first (default true; the fit is the same, only faster) */
  compress?: boolean;
  maxIterations?: number;
}

/**
 * Fits BG/NBD or Pareto/NBD by maximum likelihood, falling back to the other model when the
 * preferred one fails.
 *
 * @example
 * const fit = fitTransactionModel({ x, tx, T }, { prefer: 'bgnbd' });
 * if (fit.ok) probabilityAlive(fit.value, { x: 2, tx: 30.4, T: 38.9 });
 */
export function fitTransactionModel(data: RfData, options: FitTransactionModelOptions = {}): Result<TransactionModelFit> {
  const prefer = options.prefer ?? 'bgnbd';
  const input = options.compress === false ? data : compressRf(data);
  const fitOptions = options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations };
  const attempt = (model: TransactionModelName): TransactionAttempt =>
    model === 'bgnbd' ? { model, result: fitBgNbd(input, fitOptions) } : { model, result: fitParetoNbd(input, fitOptions) };
  return chooseTransactionFit(attempt(prefer), () => attempt(prefer === 'bgnbd' ? 'paretonbd' : 'bgnbd'));
}

/** A finished fit attempt: which model, and its result. */
export type TransactionAttempt =
  | { model: 'bgnbd'; result: ReturnType<typeof fitBgNbd> }
  | { model: 'paretonbd'; result: ReturnType<typeof fitParetoNbd> };

/** Why an attempt counts as failed, or null when it is usable. */
function failure(attempt: TransactionAttempt): string | null {
  if (!attempt.result.ok) return attempt.result.error;
  if (!attempt.result.value.converged) return `${modelLabel[attempt.model]} did not converge in ${attempt.result.value.iterations} iterations`;
  return null;
}

function toFit(attempt: TransactionAttempt): TransactionModelFit | null {
  if (!attempt.result.ok) return null;
  const { params, ...info } = attempt.result.value;
  return attempt.model === 'bgnbd'
    ? { model: 'bgnbd', params: params as Extract<TransactionModel, { model: 'bgnbd' }>['params'], ...info }
    : { model: 'paretonbd', params: params as Extract<TransactionModel, { model: 'paretonbd' }>['params'], ...info };
}

/**
 * The fallback rule, separate from the fitting so it can be tested on real attempts:
 * use the preferred fit unless it failed; then the other one if it did not fail (marked with
 * `fallbackFrom`); if both failed, the preferred fit when it at least has finite parameters
 * (converged: false), else the other's; else an error naming both reasons.
 */
export function chooseTransactionFit(preferred: TransactionAttempt, fitOther: () => TransactionAttempt): Result<TransactionModelFit> {
  const preferredFailure = failure(preferred);
  if (!preferredFailure) return ok(toFit(preferred)!);
  const other = fitOther();
  const otherFailure = failure(other);
  const fallbackFrom = { model: preferred.model, reason: preferredFailure };
  if (!otherFailure) return ok({ ...toFit(other)!, fallbackFrom });
  const preferredFit = toFit(preferred);
  if (preferredFit) return ok(preferredFit);
  const otherFit = toFit(other);
  if (otherFit) return ok({ ...otherFit, fallbackFrom });
  return err(`${modelLabel[preferred.model]}: ${preferredFailure}; ${modelLabel[other.model]}: ${otherFailure}`);
}
