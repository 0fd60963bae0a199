import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import type { TestWorkspace } from '../../../testing/harness.ts';
import { silentLog } from '../../delivery/testing/fixtures.ts';
import { BroadcastScheduler, type BroadcastSchedulerOptions } from '../scheduler.ts';

/** A marketing template with email and SMS content (and an unsubscribe link, so it lints clean). */
export async function createTemplate(w: TestWorkspace, name = `Promo ${Math.random().toString(36).slice(2)}`, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await w.api.post('/api/v1/templates', {
    name,
    category: 'marketing',
    variants: {
      fa: {
        email: { subject: 'سلام {{ customer.first_name }}', format: 'html', body: '<p>{{ vars.offer | default: "تخفیف" }}</p><a href="{{ links.unsubscribe }}">لغو</a>' },
        sms: { text: '{{ vars.offer | default: "تخفیف" }} لغو۱۱' },
      },
    },
    ...extra,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

/** A manual segment whose members are inserted in bulk (the API would take minutes for thousands). */
export async function manualSegment(db: Db, w: TestWorkspace, customerIds: readonly string[]): Promise<string> {
  const res = await w.api.post('/api/v1/segments', { name: `Audience ${Math.random().toString(36).slice(2)}`, kind: 'manual' });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as string;
  await sql`insert into segment_members (segment_id, customer_id, workspace_id) select ${id}::uuid, c, ${w.id}::uuid from unnest(${customerIds}::uuid[]) as c`.execute(db);
  await db.updateTable('segments').set({ member_count: customerIds.length }).where('id', '=', id).execute();
  return id;
}

export function testScheduler(db: Db, options: Partial<BroadcastSchedulerOptions> = {}): BroadcastScheduler {
  return new BroadcastScheduler({ db, log: silentLog, kickDelivery: () => {}, pollMs: 0, ...options });
}

export async function messageCounts(db: Db, broadcastId: string): Promise<Record<string, number>> {
  const r = await sql<{ key: string; n: number }>`
    select status || coalesce(':' || reason, '') as key, count(*)::int as n from messages where broadcast_id = ${broadcastId}::uuid group by 1 order by 1`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.key, x.n]));
}

/** Goal events (e.g. "Order Completed") for customers at an instant, straight into the events table. */
export async function addEvents(db: Db, workspaceId: string, name: string, customerIds: readonly string[], at: Date): Promise<void> {
  await sql`select vafa_ensure_events_partition(date_trunc('month', ${at}::timestamptz at time zone 'UTC')::date)`.execute(db);
  await sql`insert into events (workspace_id, id, message_id, customer_id, type, name, occurred_at)
            select ${workspaceId}::uuid, gen_random_uuid(), gen_random_uuid()::text, c, 'track', ${name}, ${at}::timestamptz from unnest(${customerIds}::uuid[]) as c`.execute(db);
}
