import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { normalizeEmail } from '../workspaces/team.ts';
import { recordAudit, diff } from '../workspaces/audit.ts';
import { toE164 } from '../platform/text/phone.ts';
import { recordActivity } from './activity.ts';
import { applyAttributes } from './attributes.ts';
import { buildSearchText, columnOf, toView, type ConsentRow, type Customer } from './profile.ts';
import type { ConsentChannel, CustomerInput, CustomerView } from './schema.ts';

const unique = <T>(xs: T[]) => [...new Set(xs)];

export async function defaultCountry(db: Db, workspaceId: string, fallback: string): Promise<string> {
  const ws = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
  return ws?.settings.defaultCountry ?? fallback;
}

/** True when the input says who the customer is (a create needs at least one of these). */
export function identifies(input: CustomerInput): boolean {
  return Boolean(input.externalId || input.emails?.length || input.phones?.length || input.firstName || input.lastName);
}

/** Emails lower-cased, phones to E.164 (`country` for numbers without one), lists de-duplicated; a bad phone names its index. */
export function normalizeFields(input: CustomerInput, country: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'attributes') continue;
    out[columnOf[key as keyof typeof columnOf]] = value;
  }
  if (input.emails) out.emails = unique(input.emails.map(normalizeEmail));
  if (input.phones) {
    out.phones = unique(
      input.phones.map((raw, i) => {
        const parsed = toE164(raw, country);
        if (!parsed.ok) throw invalid(`phones.${i}`, `"${raw}" ${parsed.error}`);
        return parsed.value;
      }),
    );
  }
  for (const key of ['tags', 'interests', 'challenges'] as const) if (input[key]) out[key] = unique(input[key]);
  return out;
}

async function normalizeInput(db: Db, actor: Actor, input: CustomerInput, fallbackCountry: string) {
  const country = input.phones ? await defaultCountry(db, actor.workspaceId, fallbackCountry) : fallbackCountry;
  return normalizeFields(input, country);
}

/** The search text of a new customer from its normalised column values. */
export function searchTextOf(values: Record<string, unknown>): string {
  return buildSearchText({
    first_name: (values.first_name as string) ?? null,
    last_name: (values.last_name as string) ?? null,
    emails: (values.emails as string[]) ?? [],
    phones: (values.phones as string[]) ?? [],
    external_id: (values.external_id as string) ?? null,
  });
}

async function consentsOf(db: Db, customerId: string): Promise<ConsentRow[]> {
  return db.selectFrom('customer_consents').select(['channel', 'status', 'source', 'changed_at']).where('customer_id', '=', customerId).orderBy('channel').execute();
}

export async function findCustomer(db: Db, workspaceId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Customer> {
  let query = db.selectFrom('customers').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (opts.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('Customer');
  return row;
}

/** A live customer: not merged away, not erased. */
export async function findLiveCustomer(db: Db, workspaceId: string, id: string, opts: { forUpdate?: boolean } = {}) {
  const row = await findCustomer(db, workspaceId, id, opts);
  if (row.merged_into) throw conflict(`Customer was merged into ${row.merged_into}`, 'id');
  if (row.erased_at) throw conflict('Customer was erased', 'id');
  return row;
}

export async function getCustomer(db: Db, workspaceId: string, id: string): Promise<CustomerView> {
  const row = await findCustomer(db, workspaceId, id);
  return toView(row, await consentsOf(db, id));
}

function uniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === '23505';
}

export async function createCustomer(db: Db, actor: Actor, input: CustomerInput, opts: { defaultCountry: string }): Promise<CustomerView> {
  if (!identifies(input)) throw invalid('body', 'give at least one of externalId, emails, phones, firstName, lastName');
  const values = await normalizeInput(db, actor, input, opts.defaultCountry);
  const attributes = await applyAttributes(db, actor.workspaceId, {}, input.attributes ?? {});
  const row = await db
    .insertInto('customers')
    .values({
      ...values,
      workspace_id: actor.workspaceId,
      attributes: JSON.stringify(attributes),
      search_text: searchTextOf(values),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => {
      if (uniqueViolation(e)) throw conflict(`A customer with externalId "${input.externalId}" already exists`, 'externalId');
      throw e;
    });
  await recordActivity(db, actor, row.id, 'created', { source: actor.type === 'api_key' ? 'api' : 'console' });
  await recordAudit(db, actor, { action: 'customer.created', targetType: 'customer', targetId: row.id });
  return toView(row, []);
}

export async function updateCustomer(db: Db, actor: Actor, id: string, input: CustomerInput, opts: { defaultCountry: string }): Promise<CustomerView> {
  const current = await findLiveCustomer(db, actor.workspaceId, id, { forUpdate: true });
  const values = await normalizeInput(db, actor, input, opts.defaultCountry);
  const attributes = input.attributes ? await applyAttributes(db, actor.workspaceId, current.attributes, input.attributes) : current.attributes;
  const next = { ...current, ...values, attributes } as Customer;
  // Diff the API shapes, so history and audit speak the API's field names (incomeBand, not income_band).
  const { updatedAt: _u, consents: _c, displayName: _d, ...before } = toView(current, []);
  const { updatedAt: _u2, consents: _c2, displayName: _d2, ...after } = toView(next, []);
  const changes = diff(before, after);
  if (Object.keys(changes).length === 0) return toView(current, await consentsOf(db, id));

  const row = await db
    .updateTable('customers')
    .set({ ...values, attributes: JSON.stringify(attributes), search_text: buildSearchText(next), updated_at: sql`now()` })
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => {
      if (uniqueViolation(e)) throw conflict(`A customer with externalId "${input.externalId}" already exists`, 'externalId');
      throw e;
    });

  const { tags: tagChange, ...fieldChanges } = changes;
  if (tagChange) {
    const before = new Set(current.tags);
    const after = new Set(row.tags);
    const added = row.tags.filter((t) => !before.has(t));
    const removed = current.tags.filter((t) => !after.has(t));
    if (added.length) await recordActivity(db, actor, id, 'tagged', { tags: added });
    if (removed.length) await recordActivity(db, actor, id, 'untagged', { tags: removed });
  }
  if (Object.keys(fieldChanges).length) await recordActivity(db, actor, id, 'updated', { changes: fieldChanges });
  await recordAudit(db, actor, { action: 'customer.updated', targetType: 'customer', targetId: id, changes: { fields: Object.keys(changes) } });
  return toView(row, await consentsOf(db, id));
}

export async function setConsent(
  db: Db,
  actor: Actor,
  id: string,
  channel: ConsentChannel,
  input: { status: 'granted' | 'revoked'; source?: string | undefined },
): Promise<CustomerView> {
  const customer = await findLiveCustomer(db, actor.workspaceId, id, { forUpdate: true });
  const source = input.source ?? (actor.type === 'user' ? `console:${actor.label}` : 'api');
  const previous = await db.selectFrom('customer_consents').select('status').where('customer_id', '=', id).where('channel', '=', channel).executeTakeFirst();
  await db
    .insertInto('customer_consents')
    .values({ workspace_id: actor.workspaceId, customer_id: id, channel, status: input.status, source, changed_at: new Date() })
    .onConflict((oc) => oc.columns(['customer_id', 'channel']).doUpdateSet({ status: input.status, source, changed_at: new Date() }))
    .execute();
  if (previous?.status !== input.status) {
    await recordActivity(db, actor, id, 'consent_changed', { channel, status: input.status, previous: previous?.status ?? null, source });
    await recordAudit(db, actor, { action: 'customer.consent_changed', targetType: 'customer', targetId: id, changes: { channel, status: input.status, source } });
  }
  return toView(customer, await consentsOf(db, id));
}

export { consentsOf };
