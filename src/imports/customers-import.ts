import { sql } from 'kysely';
import { bulkCreateCustomers } from '../customers/bulk.ts';
import { columnOf, type Customer } from '../customers/profile.ts';
import type { CustomerInput } from '../customers/schema.ts';
import { normalizeFields, searchTextOf } from '../customers/service.ts';
import type { Db } from '../database.ts';
import type { Actor } from '../platform/http/actor.ts';
import { toE164 } from '../platform/text/phone.ts';
import { diff } from '../workspaces/audit.ts';
import { type ChunkProcessor, type Counts, lockExternalIds } from './chunks.ts';
import { customerDraft, nulColumn, type RowContext, type RowError, type RowReader, type SourceRow } from './rows.ts';

/**
 * A customers file: each row fills in or updates one customer. A row is matched to an existing
 * (live) customer by its externalId when it has one; otherwise by its first email, then its
 * first phone. Matched customers get the row's non-empty fields (emails, phones and tags are
 * added to theirs, attributes merged); empty cells change nothing. Unmatched rows create
 * customers through `bulkCreateCustomers`. Rows of one chunk that name the same customer are
 * folded into one, in file order. Re-running a file therefore creates nobody twice.
 */
interface ValidRow {
  row: number;
  input: CustomerInput;
}

interface Target {
  existing?: Customer;
  input: CustomerInput;
}

const listKeys = ['emails', 'phones', 'tags', 'interests', 'challenges'] as const;
const unique = <T>(xs: T[]) => [...new Set(xs)];

/** `from`'s given fields onto `into`: scalars replace, lists are joined, attributes merged. */
function fold(into: CustomerInput, from: CustomerInput): void {
  for (const [key, value] of Object.entries(from) as [keyof CustomerInput, unknown][]) {
    if (value === undefined || value === null) continue;
    if ((listKeys as readonly string[]).includes(key)) (into as Record<string, unknown>)[key] = unique([...((into[key] as string[]) ?? []), ...(value as string[])]);
    else if (key === 'attributes') into.attributes = { ...into.attributes, ...(value as Record<string, unknown>) };
    else (into as Record<string, unknown>)[key] = value;
  }
}

/** A stored customer as the input that would create it (attributes apart). */
function inputOf(c: Customer): CustomerInput {
  const input: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(columnOf)) {
    if (field === 'attributes') continue;
    const value = c[column as keyof Customer];
    if (value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)) input[field] = value;
  }
  return input as CustomerInput;
}

const fieldOfColumn = Object.fromEntries(Object.entries(columnOf).map(([f, c]) => [c, f]));
/** Normalised columns → API field names, for the activity diff. */
const apiShape = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([c, v]) => [fieldOfColumn[c] ?? c, v]));

const updatedColumns = [
  'external_id', 'first_name', 'last_name', 'emails', 'phones', 'birthday', 'gender', 'city', 'language',
  'timezone', 'job', 'income_band', 'interests', 'challenges', 'attributes', 'tags', 'search_text',
] as const;
const emptyLists = { emails: [], phones: [], interests: [], challenges: [], tags: [] };

export class CustomersImport implements ChunkProcessor<ValidRow> {
  constructor(
    private readonly reader: RowReader,
    private readonly ctx: RowContext,
    private readonly actor: Actor,
    private readonly importId: string | null,
  ) {}

  validate(rows: SourceRow[]): { valid: ValidRow[]; errors: RowError[] } {
    const valid: ValidRow[] = [];
    const errors: RowError[] = [];
    const fields = this.reader.mappedFields('customers');
    for (const r of rows) {
      if (r.error) {
        errors.push({ row: r.row, line: r.line, column: '', value: null, reason: r.error });
        continue;
      }
      const nul = nulColumn(this.reader, r.cells, fields);
      if (nul) {
        errors.push({ row: r.row, line: r.line, column: nul, value: null, reason: 'contains a NUL character' });
        continue;
      }
      const result = customerDraft(this.reader, r.cells, this.ctx, 'customers');
      if (!result.ok) {
        for (const e of result.errors) errors.push({ row: r.row, line: r.line, ...e });
        continue;
      }
      const input = result.draft.input;
      if (!input.externalId && !input.emails?.length && !input.phones?.length && !input.firstName && !input.lastName) {
        errors.push({ row: r.row, line: r.line, column: '', value: null, reason: 'the row has none of externalId, email, phone, firstName, lastName' });
        continue;
      }
      valid.push({ row: r.row, input });
    }
    return { valid, errors };
  }

  async write(tx: Db, rows: ValidRow[]): Promise<Counts> {
    const counts: Counts = { created: 0, updated: 0, unchanged: 0 };
    if (rows.length === 0) return counts;
    const ws = this.actor.workspaceId;
    const country = this.ctx.country;
    const exts = unique(rows.flatMap((r) => (r.input.externalId ? [r.input.externalId] : [])));
    const emails = unique(rows.flatMap((r) => (r.input.externalId ? [] : (r.input.emails ?? []).map((e) => e.trim().toLowerCase()))));
    const phones = unique(rows.flatMap((r) => (r.input.externalId ? [] : (r.input.phones ?? []).flatMap((p) => this.e164(p)))));
    await lockExternalIds(tx, ws, exts);
    // Ordered by id so that two imports locking the same customers cannot deadlock.
    const { rows: existing } = await sql<Customer>`
      select * from customers
      where workspace_id = ${ws} and merged_into is null and erased_at is null
        and (external_id = any(${exts}::text[]) or emails && ${emails}::text[] or phones && ${phones}::text[])
      order by id for update`.execute(tx);

    const byExt = new Map<string, Target>();
    const byEmail = new Map<string, Target>();
    const byPhone = new Map<string, Target>();
    const remember = (t: Target) => {
      if (t.input.externalId) byExt.set(t.input.externalId, t);
      for (const e of t.input.emails ?? []) if (!byEmail.has(e.toLowerCase())) byEmail.set(e.toLowerCase(), t);
      for (const p of t.input.phones ?? []) for (const k of this.e164(p)) if (!byPhone.has(k)) byPhone.set(k, t);
    };
    const targets: Target[] = [];
    for (const c of existing) {
      const t: Target = { existing: c, input: inputOf(c) };
      targets.push(t);
      remember(t);
    }
    for (const { input } of rows) {
      let target = input.externalId
        ? byExt.get(input.externalId)
        : (input.emails ?? []).map((e) => byEmail.get(e.trim().toLowerCase())).find(Boolean) ??
          (input.phones ?? []).flatMap((p) => this.e164(p).map((k) => byPhone.get(k))).find(Boolean);
      if (!target) {
        target = { input: {} };
        targets.push(target);
      }
      // Existing customers keep an externalId they have; a row without one never clears it.
      const change = target.existing?.external_id && input.externalId ? { ...input, externalId: target.existing.external_id } : input;
      fold(target.input, change);
      remember(target);
    }

    const created = targets.filter((t) => !t.existing);
    if (created.length) {
      const result = await bulkCreateCustomers(tx, this.actor, created.map((t) => t.input), { defaultCountry: country, source: 'import' });
      counts.created = result.created;
    }
    await this.update(tx, targets.filter((t) => t.existing), counts);
    return counts;
  }

  private async update(tx: Db, targets: Target[], counts: Counts): Promise<void> {
    const changed: Record<string, unknown>[] = [];
    const activity: { id: string; data: string }[] = [];
    for (const t of targets) {
      const c = t.existing as Customer;
      const { attributes: given, ...fields } = t.input;
      const before = { ...emptyLists, ...normalizeFields(inputOf(c), this.ctx.country), attributes: c.attributes };
      const after = { ...emptyLists, ...normalizeFields(fields, this.ctx.country), attributes: given ? { ...c.attributes, ...given } : c.attributes };
      const shapeAfter = apiShape(after);
      const changes = diff({ ...Object.fromEntries(Object.keys(shapeAfter).map((k) => [k, null])), ...apiShape(before) }, shapeAfter);
      if (Object.keys(changes).length === 0) {
        counts.unchanged = (counts.unchanged ?? 0) + 1;
        continue;
      }
      changed.push({ ...after, id: c.id, search_text: searchTextOf(after) });
      activity.push({ id: c.id, data: JSON.stringify({ changes, source: 'import', importId: this.importId }) });
    }
    counts.updated = changed.length;
    if (changed.length === 0) return;
    const set = sql.join(updatedColumns.map((col) => sql`${sql.ref(col)} = v.${sql.ref(col)}`));
    await sql`
      update customers c set ${set}, updated_at = now()
      from jsonb_populate_recordset(null::customers, ${JSON.stringify(changed)}::jsonb) v
      where c.id = v.id and c.workspace_id = ${this.actor.workspaceId}`.execute(tx);
    // The same 'updated' line a PATCH writes, one per changed customer.
    await sql`
      insert into customer_activity (workspace_id, customer_id, action, data, actor_label)
      select ${this.actor.workspaceId}, id, 'updated', data, ${this.actor.label}
      from unnest(${activity.map((a) => a.id)}::uuid[], ${activity.map((a) => a.data)}::jsonb[]) as x(id, data)`.execute(tx);
  }

  committed(): void {}

  private e164(phone: string): string[] {
    const r = toE164(phone, this.ctx.country);
    return r.ok ? [r.value] : [];
  }
}
