import type { Db } from '../database.ts';
import type { ApiClient } from '../testing/harness.ts';
import { type OrderInput, recordOrders } from '../tracking/orders.ts';
import { refreshWorkspace } from './snapshot/refresh.ts';
import { createLogger } from '../platform/logger.ts';

/** Test helpers: customers and orders written the way the app writes them, then a refresh. */
export async function addCustomer(api: ApiClient, body: Record<string, unknown>): Promise<string> {
  const res = await api.post('/api/v1/customers', body);
  if (res.statusCode !== 201) throw new Error(`customer not created: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

let orderSeq = 0;

export type TestOrder = Partial<OrderInput> & { customerId: string; on: string; total: number };

/** Orders in minor units; `on` is the local day (UTC noon, so every time zone near UTC agrees). */
export async function addOrders(db: Db, workspaceId: string, orders: TestOrder[]): Promise<void> {
  await recordOrders(
    db,
    workspaceId,
    orders.map(({ on, total, ...o }) => ({
      externalId: `t-${++orderSeq}-${Math.random().toString(36).slice(2, 8)}`,
      currency: 'USD',
      totalMinor: total,
      placedAt: new Date(`${on}T12:00:00Z`),
      source: 'api' as const,
      ...o,
    })),
  );
}

/** Refreshes now; when the background worker holds the workspace, waits and refreshes after it. */
export async function refresh(db: Db, workspaceId: string) {
  for (let attempt = 0; attempt < 600; attempt++) {
    const stats = await refreshWorkspace(db, workspaceId, createLogger('silent'));
    if (stats !== 'busy') return stats;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the workspace stayed busy for 30 s');
}
