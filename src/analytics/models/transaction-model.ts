/**
 * The two continuous-time transaction models behind one type, so CLV, churn bands and the
 * diagnostics do not care which one was fitted.
 */
import type { RfCustomer, RfData } from './data.ts';
import {
  bgNbdConditionalExpectedTransactions,
  bgNbdExpectedTransactions,
  bgNbdProbabilityAlive,
  bgNbdTotalLogLikelihood,
  type BgNbdParams,
} from './bgnbd.ts';
import {
  paretoNbdConditionalExpectedTransactions,
  paretoNbdExpectedTransactions,
  paretoNbdProbabilityAlive,
  paretoNbdTotalLogLikelihood,
  type ParetoNbdParams,
} from './pareto-nbd.ts';

export type TransactionModelName = 'bgnbd' | 'paretonbd';

export type TransactionModel = { model: 'bgnbd'; params: BgNbdParams } | { model: 'paretonbd'; params: ParetoNbdParams };

/** E[X(t)]: expected repeat transactions of a new customer within t of the first purchase. */
export function expectedTransactions(m: TransactionModel, t: number): number {
  return m.model === 'bgnbd' ? bgNbdExpectedTransactions(m.params, t) : paretoNbdExpectedTransactions(m.params, t);
}

/** E[Y(t) | x, t_x, T]: expected transactions in the next t after the calibration period. */
export function conditionalExpectedTransactions(m: TransactionModel, customer: RfCustomer, t: number): number {
  return m.model === 'bgnbd'
    ? bgNbdConditionalExpectedTransactions(m.params, customer, t)
    : paretoNbdConditionalExpectedTransactions(m.params, customer, t);
}

/** P(alive | x, t_x, T): probability the customer has not silently dropped out by T. */
export function probabilityAlive(m: TransactionModel, customer: RfCustomer): number {
  return m.model === 'bgnbd' ? bgNbdProbabilityAlive(m.params, customer) : paretoNbdProbabilityAlive(m.params, customer);
}

export function transactionLogLikelihood(m: TransactionModel, data: RfData): number {
  return m.model === 'bgnbd' ? bgNbdTotalLogLikelihood(m.params, data) : paretoNbdTotalLogLikelihood(m.params, data);
}

export const modelLabel: Record<TransactionModelName, string> = { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD' };
