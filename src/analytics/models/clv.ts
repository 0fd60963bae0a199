/**
 * Customer lifetime value and churn-risk bands on top of a fitted transaction model and a spend
 * model. CLV follows Python lifetimes' `customer_lifetime_value`: step through the horizon
 * (months, say), take the increment of the conditional expected transactions in each step,
 * multiply by the expected spend per transaction and discount by (1+d)^step.
 */
import { compressRf, type RfCustomer, type RfData } from './data.ts';
import { conditionalExpectedTransactions, type TransactionModel } from './transaction-model.ts';

export interface ClvOptions {
  /** number of steps in the horizon, e.g. 12 for a year in months */
  steps: number;
  /** model time units per step, e.g. 30 (days per month) or 4.345 (weeks per month) */
  unitsPerStep: number;
  /** discount rate per step, e.g. 0.01 a month; 0 for none */
  discountRate: number;
}

/**
 * Σ_{i=1..steps} (E[Y(i·u)] − E[Y((i−1)·u)]) / (1+d)^i: the discounted number of transactions
 * expected over the horizon. Multiply by expected spend per transaction for CLV.
 */
export function discountedExpectedTransactions(model: TransactionModel, customer: RfCustomer, options: ClvOptions): number {
  const { steps, unitsPerStep, discountRate } = options;
  let previous = 0;
  let total = 0;
  for (let i = 1; i <= steps; i++) {
    const cumulative = conditionalExpectedTransactions(model, customer, i * unitsPerStep);
    total += (cumulative - previous) / (1 + discountRate) ** i;
    previous = cumulative;
  }
  return total;
}

/**
 * Predicted CLV of one customer: discounted expected transactions × expected spend per
 * transaction (e.g. from `gammaGammaExpectedAverageSpend`).
 *
 * @example
 * customerLifetimeValue(fit, { x: 2, tx: 30.43, T: 38.86 }, 24.66, { steps: 12, unitsPerStep: 4.345, discountRate: 0.01 });
 */
export function customerLifetimeValue(model: TransactionModel, customer: RfCustomer, expectedSpend: number, options: ClvOptions): number {
  return expectedSpend * discountedExpectedTransactions(model, customer, options);
}

/**
 * CLV for every row of `data`. Customers with the same (x, t_x, T) share the transaction part,
 * so it is computed once per distinct tuple and multiplied by each customer's spend.
 */
export function customerLifetimeValues(model: TransactionModel, data: RfData, expectedSpend: ArrayLike<number>, options: ClvOptions): Float64Array {
  const compressed = compressRf(data);
  const perTuple = new Float64Array(compressed.x.length);
  for (let k = 0; k < perTuple.length; k++) {
    perTuple[k] = discountedExpectedTransactions(model, { x: compressed.x[k]!, tx: compressed.tx[k]!, T: compressed.T[k]! }, options);
  }
  const out = new Float64Array(data.x.length);
  for (let i = 0; i < out.length; i++) out[i] = expectedSpend[i]! * perTuple[compressed.rowOfInput[i]!]!;
  return out;
}

export type ChurnRiskBand = 'low' | 'medium' | 'high';

export interface ChurnRiskThresholds {
  /** P(alive) at or above this is low risk (default 0.7) */
  low: number;
  /** P(alive) at or above this (and below `low`) is medium risk (default 0.3) */
  medium: number;
}

export const defaultChurnRiskThresholds: ChurnRiskThresholds = { low: 0.7, medium: 0.3 };

/**
 * Churn-risk band from P(alive): low ≥ 0.7, medium ≥ 0.3, high below (thresholds adjustable).
 * A non-finite probability (a bug upstream) is banded high rather than hidden as low.
 */
export function churnRiskBand(pAlive: number, thresholds: Partial<ChurnRiskThresholds> = {}): ChurnRiskBand {
  const { low, medium } = { ...defaultChurnRiskThresholds, ...thresholds };
  if (pAlive >= low) return 'low';
  if (pAlive >= medium) return 'medium';
  return 'high';
}
