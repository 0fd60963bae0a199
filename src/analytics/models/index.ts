/**
 * Probabilistic customer-base models, pure TypeScript: BG/NBD, Pareto/NBD, Gamma-Gamma spend,
 * BG/BB (discrete), CLV and churn-risk bands, model diagnostics and seeded simulators.
 *
 * Typical use (time units are the caller's: days in the app):
 * @example
 * const fit = fitTransactionModel({ x, tx, T }, { prefer: 'bgnbd' });
 * if (fit.ok) {
 *   const pAlive = probabilityAlive(fit.value, { x: 4, tx: 120, T: 200 });
 *   const band = churnRiskBand(pAlive);
 *   const clv = customerLifetimeValue(fit.value, { x: 4, tx: 120, T: 200 }, 35, { steps: 12, unitsPerStep: 30, discountRate: 0.01 });
 * }
 */

export { compressRf, invalidRfData, rfData, type CompressedRfData, type RfCustomer, type RfData } from './data.ts';
export type { FitOptions, FitResult, ModelFit } from './mle.ts';

export {
  bgNbdConditionalExpectedTransactions,
  bgNbdExpectedTransactions,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  bgNbdProbabilityOfTransactions,
  bgNbdTotalLogLikelihood,
  type BgNbdParams,
} from './bgnbd.ts';
export { fitBgNbd } from './bgnbd-fit.ts';

export {
  paretoNbdConditionalExpectedTransactions,
  paretoNbdExpectedTransactions,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  paretoNbdTotalLogLikelihood,
  type ParetoNbdParams,
} from './pareto-nbd.ts';
export { fitParetoNbd } from './pareto-nbd-fit.ts';

export {
  fitGammaGamma,
  gammaGammaExpectedAverageSpend,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanSpend,
  gammaGammaTotalLogLikelihood,
  type GammaGammaFit,
  type GammaGammaParams,
  type SpendData,
} from './gamma-gamma.ts';

export {
  bgBbConditionalExpectedTransactions,
  bgBbExpectedTransactions,
  bgBbLogLikelihood,
  bgBbProbabilityAlive,
  bgBbTotalLogLikelihood,
  fitBgBb,
  type BgBbData,
  type BgBbParams,
} from './bgbb.ts';

export {
  conditionalExpectedTransactions,
  expectedTransactions,
  probabilityAlive,
  transactionLogLikelihood,
  type TransactionModel,
  type TransactionModelName,
} from './transaction-model.ts';
export {
  chooseTransactionFit,
  fitTransactionModel,
  type FitTransactionModelOptions,
  type TransactionAttempt,
  type TransactionFitInfo,
  type TransactionModelFit,
} from './fit.ts';

export {
  churnRiskBand,
  customerLifetimeValue,
  customerLifetimeValues,
  defaultChurnRiskThresholds,
  discountedExpectedTransactions,
  type ChurnRiskBand,
  type ChurnRiskThresholds,
  type ClvOptions,
} from './clv.ts';

export { accuracySummary, holdoutByFrequency, trackingCurve, type AccuracySummary, type FrequencyBucket, type TrackingPoint } from './diagnostics.ts';

export { simulateBgBb, simulateBgNbd, simulateGammaGamma, simulateParetoNbd, type BgBbSimulation, type SimulationOptions } from './simulate.ts';
export { mulberry32, Random, type Rng } from './random.ts';
