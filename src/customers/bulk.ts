import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { AppError, conflict, invalid } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { attributeDefinitions, mergeAttributes } from './attributes.ts';
import type { CustomerInput } from './schema.ts';
import { defaultCountry, identifies, normalizeFields, searchTextOf } from './service.ts';
import type { CustomerRow } from './tables.ts';

/** Rows per INSERT statement (the API sends at most 1,000 in a request). */
const ROWS_PER_STATEMENT = 1000;

/** The columns a bulk insert sets; the others keep their defaults. */
const insertedColumns = [
  'id', 'workspace_id', 'external_id', 'first_name', 'last_name', 'emails', 'phones', 'birthday', 'gender', 'city', 'language',
  'timezone', 'job', 'income_band', 'interests', 'challenges', 'attributes', 'tags', 'search_text',
] as const satisfies readonly (keyof CustomerRow)[];
/** NOT NULL list columns: a row that does not give one gets its default, the empty list. */
const emptyLists = { emails: [], phones: [], interests: [], challenges: [], tags: [] };

export interface BulkResult {
  created: number;
  /** The new customers' ids, in the order of the inputs. */
  ids: string[];
}

/** Re-throws a row's validation error with the row's place in the batch: `customers.7.phones.0`. */
function atRow<T>(index: number, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof AppError && e.code === 'INVALID_INPUT') throw invalid(`customers.${index}.${e.field ?? 'body'}`, e.message);
    throw e;
  }
}

/** The first input whose externalId was already used by an earlier input of the same batch. */
function duplicateInBatch(inputs: CustomerInput[]): number | undefined {
  const seen = new Set<string>();
  for (const [i, input] of inputs.entries()) {
    if (!input.externalId) continue;
    if (seen.has(input.externalId)) return i;
    seen.add(input.externalId);
  }
  return undefined;
}

const duplicate = (index: number, externalId: string | null | undefined) =>
  conflict(`A customer with externalId "${externalId}" already exists`, `customers.${index}.externalId`);

/**
 * Creates many customers at once, all or nothing: every input is validated and normalised
 * exactly as `createCustomer` does it (emails lower-cased, phones to E.164, search text,
 * attributes checked against their definitions), then written with multi-row INSERTs in one
 * transaction. One `created` activity per customer and one audit entry for the batch.
 *
 * A bad input fails the whole batch with `customers.<index>.<field>`; an externalId used twice
 * in the batch, or already taken in the workspace, answers 409 on `customers.<index>.externalId`.
 *
 * @example
 * const { ids } = await bulkCreateCustomers(db, actor, [{ firstName: 'علی', phones: ['09121234567'] }], { defaultCountry: 'IR' });
 */
export async function bulkCreateCustomers(
  db: Db,
  actor: Actor,
  inputs: CustomerInput[],
  opts: { defaultCountry: string; /** Where they came from, for their 'created' history line (api, console, import, demo…). */ source?: string },
): Promise<BulkResult> {
  if (inputs.length === 0) return { created: 0, ids: [] };
  const dup = duplicateInBatch(inputs);
  if (dup !== undefined) throw duplicate(dup, inputs[dup]?.externalId);
  const write = (tx: Db) => insertAll(tx, actor, inputs, opts);
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

async function insertAll(db: Db, actor: Actor, inputs: CustomerInput[], opts: { defaultCountry: string; source?: string }): Promise<BulkResult> {
  const country = inputs.some((c) => c.phones?.length) ? await defaultCountry(db, actor.workspaceId, opts.defaultCountry) : opts.defaultCountry;
  const defs = inputs.some((c) => c.attributes && Object.keys(c.attributes).length) ? await attributeDefinitions(db, actor.workspaceId) : new Map();

  const rows = inputs.map((input, i) => {
    if (!identifies(input)) throw invalid(`customers.${i}`, 'give at least one of externalId, emails, phones, firstName, lastName');
    return atRow(i, () => {
      const values = normalizeFields(input, country);
      const attributes = input.attributes ? mergeAttributes(defs, {}, input.attributes) : {};
      return { ...emptyLists, ...values, id: randomUUID(), workspace_id: actor.workspaceId, attributes, search_text: searchTextOf(values) };
    });
  });

  // The batch travels as one JSON document per statement and becomes rows in PostgreSQL:
  // one parameter instead of ~20 per row, which keeps parsing and planning cheap for 1,000 rows.
  // ON CONFLICT DO NOTHING instead of a unique-violation error: a row missing from RETURNING is
  // an externalId taken by an existing (or concurrently committed) customer, and we can name it.
  const list = sql.join(insertedColumns.map((c) => sql.ref(c)));
  const inserted = new Set<string>();
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const { rows: returned } = await sql<{ id: string }>`
      insert into customers (${list})
      select ${list} from jsonb_populate_recordset(null::customers, ${JSON.stringify(chunk)}::jsonb)
      on conflict do nothing
      returning id`.execute(db);
    for (const r of returned) inserted.add(r.id);
    if (returned.length < chunk.length) {
      const missing = chunk.findIndex((r) => !inserted.has(r.id));
      throw duplicate(start + missing, inputs[start + missing]?.externalId);
    }
  }

  const ids = rows.map((r) => r.id);
  const source = opts.source ?? (actor.type === 'api_key' ? 'api' : 'console');
  // The same 'created' line createCustomer writes through recordActivity, for every row at once.
  await sql`
    insert into customer_activity (workspace_id, customer_id, action, data, actor_label)
    select ${actor.workspaceId}, id, 'created', ${JSON.stringify({ source, bulk: true })}::jsonb, ${actor.label}
    from unnest(${ids}::uuid[]) as id`.execute(db);
  await recordAudit(db, actor, { action: 'customer.bulk_created', targetType: 'customer', changes: { count: ids.length } });
  return { created: ids.length, ids };
}
