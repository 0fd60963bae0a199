import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import { toMajor, toMinor } from '../../../tracking/money.ts';
import type { Trigger } from '../../model/schema.ts';
import type { ScanInput, ScanResult } from '../triggers.ts';
import { keyUnused, OVERLAP_MS } from './common.ts';

/**
 * VIP moment: an order recorded (orders.created_at) since the scan's cursor and after the
 * activation whose total is at least `orderAbove` in the workspace's display currency. Orders in
 * another currency are not compared (there is no exchange rate to compare them with); a cancelled
 * order is not a moment. Found through orders_updated (an order's updated_at is never before its
 * created_at). Key `vip:<order id>`. Context: the order's id, total and currency.
 */
export async function scanVipOrders(tx: Db, trigger: Trigger, input: ScanInput): Promise<ScanResult> {
  const r = await sql<{ now: Date; currency: string | null }>`select now() as now, settings->>'displayCurrency' as currency from workspaces where id = ${input.workspaceId}::uuid`.execute(tx);
  const dbNow = r.rows[0]?.now ?? input.now;
  if (trigger.kind !== 'vip') return { candidates: [], cursor: dbNow };
  const threshold = toMinor(trigger.orderAbove, r.rows[0]?.currency ?? undefined, 'USD');
  if (!threshold.ok) return { candidates: [], cursor: dbNow };
  const from = new Date(Math.max((input.cursor?.getTime() ?? 0) - OVERLAP_MS, input.activatedAt.getTime()));
  const key = sql<string>`'vip:' || o.id::text`;
  const rows = await sql<{ id: string; customer_id: string; external_id: string; total_minor: string; currency: string; placed_at: Date; key: string }>`
    select o.id::text, o.customer_id::text, o.external_id, o.total_minor::text, o.currency, o.placed_at, ${key} as key
      from orders o
     where o.workspace_id = ${input.workspaceId}::uuid and o.updated_at >= ${from} and o.created_at >= ${from}
       and o.currency = ${threshold.value.currency} and o.total_minor >= ${threshold.value.minor} and o.status <> 'cancelled'
       and ${keyUnused(input.journeyId, key)}`.execute(tx);
  const candidates = rows.rows.map((o) => ({
    customerId: o.customer_id,
    key: o.key,
    context: { orderId: o.external_id, total: toMajor(Number(o.total_minor), o.currency), currency: o.currency, placedAt: o.placed_at.toISOString() },
  }));
  return { candidates, cursor: dbNow };
}
