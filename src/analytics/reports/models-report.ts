import type { Db } from '../../database.ts';
import type { AnalyticsContext } from '../settings.ts';
import { snapshotDay } from './status.ts';

export async function modelsReport(db: Db, ctx: AnalyticsContext) {
  const { asOf } = await snapshotDay(db, ctx);
  const rows = await db.selectFrom('analytics_models').select(['kind', 'result']).where('workspace_id', '=', ctx.workspaceId).execute();
  const byKind = new Map(rows.map((r) => [r.kind, r.result]));
  const reasons = [...((byKind.get('transactions')?.reasons as string[] | undefined) ?? [])];
  const churn = byKind.get('churn');
  if (churn?.reason) reasons.push(churn.reason as string);
  const discrete = byKind.get('discrete');
  if (discrete?.reason) reasons.push(discrete.reason as string);
  return {
    asOf,
    transactions: (byKind.get('transactions')?.fit as never) ?? null,
    spend: (byKind.get('spend') as never) ?? null,
    churn: churn && !churn.reason ? (churn as never) : null,
    discrete: discrete && !discrete.reason ? (discrete as never) : null,
    reasons: asOf ? reasons : ['figures have not been computed yet'],
  };
}
