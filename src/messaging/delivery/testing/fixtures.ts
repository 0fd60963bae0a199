import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import { createLogger } from '../../../platform/logger.ts';
import type { TestWorkspace } from '../../../testing/harness.ts';
import type { ChannelDirectory } from '../../channels/channel.ts';
import { enqueueMessages, type NewMessage } from '../outbox.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../worker.ts';
import { echoRenderer } from './recording-channel.ts';

export const silentLog = createLogger('silent');

/** A test clock after the real one (rows the API writes use real time), at a given Tehran wall time. */
export function tehranTime(hhmm: string, daysAhead = 1): Date {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + daysAhead);
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  // Asia/Tehran is UTC+03:30 all year (no DST since 2022).
  d.setUTCHours(h - 3, m - 30, 0, 0);
  return d;
}

export class TestClock {
  constructor(public current: Date) {}
  now = () => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function testWorker(db: Db, channels: ChannelDirectory, clock: TestClock, options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
  return new DeliveryWorker({ db, log: silentLog, channels, renderer: echoRenderer, now: clock.now, pollMs: 0, retryBaseMs: 1000, breakerBaseMs: 10_000, ...options });
}

export async function customer(w: TestWorkspace, body: Record<string, unknown> = {}): Promise<string> {
  const res = await w.api.post('/api/v1/customers', { firstName: 'Sara', emails: [`c-${Math.random().toString(36).slice(2)}@example.com`], phones: [randomIranMobile()], ...body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

export function randomIranMobile(): string {
  return `+98912${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
}

export async function consent(w: TestWorkspace, customerId: string, channel: string, status: 'granted' | 'revoked'): Promise<void> {
  const res = await w.api.put(`/api/v1/customers/${customerId}/consents/${channel}`, { status });
  assert.equal(res.statusCode, 200, res.body);
}

export async function enqueue(db: Db, workspaceId: string, clock: TestClock, messages: Partial<NewMessage>[]) {
  const rows = await enqueueMessages(
    db,
    workspaceId,
    messages.map((m) => ({ customerId: '', category: 'marketing' as const, templateId: 'promo', ...m })),
    clock.now(),
  );
  return rows.map((r) => r.message.id);
}

export async function statusOf(db: Db, id: string) {
  return db.selectFrom('messages').select(['status', 'reason', 'channel', 'attempts', 'not_before', 'error']).where('id', '=', id).executeTakeFirstOrThrow();
}

export async function historyOf(db: Db, id: string): Promise<string[]> {
  const rows = await db.selectFrom('message_events').select(['status', 'reason']).where('message_id', '=', id).orderBy('id').execute();
  return rows.map((r) => (r.reason ? `${r.status}:${r.reason}` : r.status));
}

/** Customers inserted in bulk (the API would take minutes for thousands). */
export async function bulkCustomers(db: Db, workspaceId: string, n: number, prefix: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    insert into customers (workspace_id, external_id, first_name, emails, phones)
    select ${workspaceId}, ${prefix} || '-' || i, 'Bulk ' || i, array[${prefix} || '-' || i || '@example.com'], array['+98935' || lpad(i::text, 7, '0')]
      from generate_series(1, ${n}) as i
    returning id`.execute(db);
  return r.rows.map((x) => x.id);
}
