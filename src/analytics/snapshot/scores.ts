import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import { runModelJob } from '../jobs/run.ts';
import { defaultChurnRiskThresholds } from '../models/clv.ts';
import type { TransactionModelFit } from '../models/fit.ts';
import { type GammaGammaParams, gammaGammaPopulationMeanSpend } from '../models/gamma-gamma.ts';
import { modelLabel } from '../models/transaction-model.ts';
import type { AnalyticsContext } from '../settings.ts';
import { type ModelDiagnostics, modelDiagnostics } from './diagnostics.ts';

/** Days per CLV step: predicted purchases are discounted month by month. */
const DAYS_PER_STEP = 30;
/** Fewer customers than this give parameters nobody should act on. */
export const MIN_MODEL_CUSTOMERS = 20;

/**
 * Fits the customer-base models on the snapshot's customer-days (units: days) and writes every
 * customer's row of `analytics_customers` with its predictions. Predictions depend only on the
 * (x, t_x, T) tuple, so they are computed once per distinct tuple in Node and joined in SQL;
 * expected spend (Gamma-Gamma) and CLV are closed forms computed in the same insert.
 * Returns the model used, or null (with the reasons stored for the diagnostics page).
 */
export async function scoreCustomers(tx: Db, ctx: AnalyticsContext, asOfDay: string, log: Logger): Promise<string | null> {
  const tuples = await sql<{ x: number; t_x: number; t_cal: number; n: number }>`
    select x, t_x, t_cal, count(*)::int as n from ana_cust group by 1, 2, 3`.execute(tx);
  const rows = tuples.rows;
  const data = {
    x: Float64Array.from(rows, (r) => r.x),
    tx: Float64Array.from(rows, (r) => r.t_x),
    T: Float64Array.from(rows, (r) => r.t_cal),
    weight: Float64Array.from(rows, (r) => r.n),
  };
  const customers = rows.reduce((n, r) => n + r.n, 0);
  const reasons: string[] = [];
  let fit: TransactionModelFit | null = null;
  await sql`create temp table ana_pred (x int, t_x int, t_cal int, p_alive float8, expected float8, discounted float8) on commit drop`.execute(tx);
  if (customers < MIN_MODEL_CUSTOMERS) reasons.push(`only ${customers} customers with orders; models need at least ${MIN_MODEL_CUSTOMERS}`);
  else if (!rows.some((r) => r.x > 0)) reasons.push('no customer has bought twice yet: there is no repeat behaviour to learn from');
  else {
    const steps = Math.max(1, Math.round(ctx.horizonDays / DAYS_PER_STEP));
    const stepRate = (1 + ctx.discountRate) ** (DAYS_PER_STEP / 365) - 1;
    const predicted = await runModelJob('predictTuples', {
      data,
      prefer: ctx.preferredModel,
      horizon: ctx.horizonDays,
      clv: { steps, unitsPerStep: DAYS_PER_STEP, discountRate: stepRate },
    });
    if (predicted.fit.ok) {
      fit = predicted.fit.value;
      await sql`
        insert into ana_pred
        select * from unnest(${rows.map((r) => r.x)}::int[], ${rows.map((r) => r.t_x)}::int[], ${rows.map((r) => r.t_cal)}::int[],
                             ${Array.from(predicted.pAlive)}::float8[], ${Array.from(predicted.expected)}::float8[], ${Array.from(predicted.discounted)}::float8[])`.execute(tx);
    } else reasons.push(`the transaction model could not be fitted: ${predicted.fit.error}`);
  }

  const spend = await fitSpend(tx, reasons);
  const populationMean = spend ? gammaGammaPopulationMeanSpend(spend.params) : null;
  const g = spend?.params ?? { p: 0, q: 0, gamma: 0 };
  await sql`delete from analytics_customers where workspace_id = ${ctx.workspaceId}`.execute(tx);
  // E[M | x, mbar] = (q − 1)/(p·x + q − 1) · γp/(q − 1) + p·x/(p·x + q − 1) · mbar; first-time buyers get the population mean.
  await sql`
    insert into analytics_customers (workspace_id, customer_id, first_day, last_day, orders, purchase_days, revenue_minor,
                                     repeat_revenue_minor, r, f, m, segment, p_alive, expected_purchases, expected_spend, clv, clv_at_risk, risk)
    with spend as (
      select c.*, p.p_alive, p.expected, p.discounted,
             case when ${spend !== null} and c.x > 0 and c.repeat_revenue > 0
                  then (${g.q}::float8 - 1) / (${g.p}::float8 * c.x + ${g.q}::float8 - 1) * (${g.gamma}::float8 * ${g.p}::float8 / (${g.q}::float8 - 1))
                       + (${g.p}::float8 * c.x) / (${g.p}::float8 * c.x + ${g.q}::float8 - 1) * (c.repeat_revenue::float8 / c.x)
                  else ${populationMean}::float8 end as expected_spend
        from ana_cust c left join ana_pred p on p.x = c.x and p.t_x = c.t_x and p.t_cal = c.t_cal
    )
    select ${ctx.workspaceId}::uuid, customer_id, first_day, last_day, orders, purchase_days, revenue, repeat_revenue, r, f, m, segment,
           p_alive, expected, expected_spend, discounted * expected_spend,
           -- What the customer's own repeat rate would bring over the horizon, times the chance they are gone.
           (1 - p_alive) * expected_spend * (x::float8 / greatest(t_cal, 1)) * ${ctx.horizonDays}::float8,
           case when p_alive is null then null when p_alive >= ${defaultChurnRiskThresholds.low}::float8 then 'low'
                when p_alive >= ${defaultChurnRiskThresholds.medium}::float8 then 'medium' else 'high' end
      from spend`.execute(tx);

  const checked = fit ? await modelDiagnostics(tx, ctx, asOfDay, log) : null;
  const diagnostics = checked && 'calibrationEnd' in checked ? checked : null;
  if (checked && !('calibrationEnd' in checked)) reasons.push(checked.reason);
  await saveModels(tx, ctx, { fit, customers, spend, diagnostics, reasons });
  return fit ? modelLabel[fit.model] : null;
}

interface SpendFit {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
  customers: number;
}

/** Gamma-Gamma on the repeat buyers' mean repeat spend (minor units). */
async function fitSpend(tx: Db, reasons: string[]): Promise<SpendFit | null> {
  const repeaters = await sql<{ x: number; mbar: number }>`
    select x, repeat_revenue::float8 / x as mbar from ana_cust where x > 0 and repeat_revenue > 0`.execute(tx);
  if (repeaters.rows.length < MIN_MODEL_CUSTOMERS) {
    reasons.push(`only ${repeaters.rows.length} repeat buyers with spend; the spend model needs at least ${MIN_MODEL_CUSTOMERS}`);
    return null;
  }
  const fitted = await runModelJob('fitSpend', { x: Float64Array.from(repeaters.rows, (r) => r.x), mbar: Float64Array.from(repeaters.rows, (r) => r.mbar) });
  if (!fitted.ok) {
    reasons.push(`the spend model could not be fitted: ${fitted.error}`);
    return null;
  }
  if (!(fitted.value.params.q > 1)) {
    reasons.push('the spend model has q ≤ 1 (no finite mean spend); expected spend is left out');
    return null;
  }
  return { params: fitted.value.params, logLikelihood: fitted.value.logLikelihood, converged: fitted.value.converged, customers: repeaters.rows.length };
}

async function saveModels(
  tx: Db,
  ctx: AnalyticsContext,
  m: { fit: TransactionModelFit | null; customers: number; spend: SpendFit | null; diagnostics: ModelDiagnostics | null; reasons: string[] },
) {
  await sql`delete from analytics_models where workspace_id = ${ctx.workspaceId} and kind in ('transactions', 'spend')`.execute(tx);
  const transactions = m.fit
    ? {
        model: m.fit.model,
        preferred: ctx.preferredModel,
        fallbackReason: m.fit.fallbackFrom ? `${modelLabel[m.fit.fallbackFrom.model]}: ${m.fit.fallbackFrom.reason}` : null,
        params: m.fit.params,
        logLikelihood: m.fit.logLikelihood,
        converged: m.fit.converged,
        boundary: m.fit.boundary,
        customers: m.customers,
        unit: 'day',
        ...(m.diagnostics ?? { calibrationEnd: null, holdoutDays: 0, tracking: [], holdoutByFrequency: [], accuracy: null }),
      }
    : null;
  await tx
    .insertInto('analytics_models')
    .values([
      { workspace_id: ctx.workspaceId, kind: 'transactions', result: JSON.stringify({ fit: transactions, reasons: m.reasons }) },
      ...(m.spend ? [{ workspace_id: ctx.workspaceId, kind: 'spend' as const, result: JSON.stringify(m.spend) }] : []),
    ])
    .execute();
}
