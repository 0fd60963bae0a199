import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { TemplateRenderer } from '../../messaging/templates/render.ts';
import type { TestWorkspace } from '../../testing/harness.ts';
import { enableChannel } from '../testing/fixtures.ts';

/** Test helpers of the ready-made journeys: install, activate with the channels they send on, read what they enqueued. */

export interface InstallAnswer {
  journey: { id: string; name: string; status: string; steps: { id: string; kind: string }[]; trigger: { kind: string } };
  templateIds: Record<string, string>;
  attributesDefined: string[];
}

export async function install(w: TestWorkspace, key: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<InstallAnswer> {
  const res = await w.api.post(`/api/v1/journeys/recipes/${key}/install`, body, headers);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Installs, enables email and SMS (what the recipes send on, channel "auto"), activates. */
export async function installActive(db: Db, w: TestWorkspace, key: string, body: Record<string, unknown> = {}): Promise<InstallAnswer> {
  const installed = await install(w, key, body);
  const kinds = await db.selectFrom('channel_configs').select('kind').where('workspace_id', '=', w.id).where('enabled', '=', true).execute();
  for (const kind of ['email', 'sms']) if (!kinds.some((k) => k.kind === kind)) await enableChannel(db, w.id, kind);
  const res = await w.api.post(`/api/v1/journeys/${installed.journey.id}/activate`);
  assert.equal(res.statusCode, 200, res.body);
  return installed;
}

export interface Sent {
  customerId: string;
  templateId: string;
  category: string;
  variables: Record<string, unknown>;
}

/** The journey's messages in the order they were enqueued, with what the renderer needs. */
export async function sentBy(db: Db, journeyId: string): Promise<Sent[]> {
  const r = await sql<{ customer_id: string; template_id: string; category: string; variables: Record<string, unknown> }>`
    select m.customer_id, m.template_id, m.category, m.variables from messages m join journey_messages jm on jm.message_id = m.id
     where jm.journey_id = ${journeyId}::uuid order by m.created_at, m.id`.execute(db);
  return r.rows.map((m) => ({ customerId: m.customer_id, templateId: m.template_id, category: m.category, variables: m.variables }));
}

/**
 * A message rendered as the delivery pipeline would (the real template renderer: the customer's
 * language, their data, the message's variables), for a channel.
 */
export async function rendered(db: Db, workspaceId: string, m: Sent, channel: 'sms' | 'email' = 'sms') {
  const r = await new TemplateRenderer(db).render({ workspaceId, customerId: m.customerId, templateId: m.templateId, channel, variables: m.variables, links: { unsubscribeUrl: 'https://vafa.test/u/x' } });
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

export async function attributesOf(db: Db, customerId: string): Promise<Record<string, unknown>> {
  return (await db.selectFrom('customers').select('attributes').where('id', '=', customerId).executeTakeFirstOrThrow()).attributes;
}
