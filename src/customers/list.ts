import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../database.ts';
import { decodeCursor, encodeCursor } from '../platform/http/pagination.ts';
import { searchKey } from '../platform/text/normalize.ts';
import { phoneQueryDigits } from '../platform/text/phone.ts';
import { toView, type ConsentRow } from './profile.ts';
import type { CustomerView, ListQuery } from './schema.ts';

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The sort key expression and direction for each `?sort=`. */
const sortKeys = {
  createdAt: sql<string>`c.created_at`,
  updatedAt: sql<string>`c.updated_at`,
  name: sql<string>`lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))`,
} as const;

/**
 * `?q=` matches when every word of the query is in the customer's search text
 * (Persian/Arabic spellings and digits normalised the same way on both sides), or when the
 * query is a phone number typed in any form and its digits are in one of the phone forms.
 */
function searchCondition(q: string, defaultCountry: string): Expression<SqlBool> | undefined {
  const words = searchKey(q).split(' ').filter(Boolean);
  if (words.length === 0) return undefined;
  const byWords = sql.join(
    words.map((w) => sql`c.search_text like ${`%${likeEscape(w)}%`}`),
    sql` and `,
  );
  const digits = phoneQueryDigits(q, defaultCountry);
  if (!digits) return sql<SqlBool>`(${byWords})`;
  return sql<SqlBool>`((${byWords}) or c.search_text like ${`%${likeEscape(digits)}%`})`;
}

export async function listCustomers(
  db: Db,
  workspaceId: string,
  query: ListQuery,
  opts: { defaultCountry: string },
): Promise<{ data: CustomerView[]; nextCursor: string | null }> {
  const desc = query.sort.startsWith('-');
  const field = query.sort.replace('-', '') as keyof typeof sortKeys;
  const key = sortKeys[field];
  const dir = desc ? sql`desc` : sql`asc`;
  const conditions: Expression<SqlBool>[] = [
    sql<SqlBool>`c.workspace_id = ${workspaceId}`,
    sql<SqlBool>`c.merged_into is null`,
    sql<SqlBool>`c.erased_at is null`,
  ];
  if (query.q) {
    const s = searchCondition(query.q, opts.defaultCountry);
    if (s) conditions.push(s);
  }
  if (query.visitors !== 'include') conditions.push(sql<SqlBool>`c.anonymous = ${query.visitors === 'only'}`);
  if (query.tag) conditions.push(sql<SqlBool>`c.tags @> array[${query.tag}]::text[]`);
  if (query.city) conditions.push(sql<SqlBool>`lower(c.city) = lower(${query.city})`);
  if (query.language) conditions.push(sql<SqlBool>`c.language = ${query.language}`);
  if (query.gender) conditions.push(sql<SqlBool>`c.gender = ${query.gender}`);
  if (query.createdAfter) conditions.push(sql<SqlBool>`c.created_at >= ${query.createdAfter}::timestamptz`);
  if (query.createdBefore) conditions.push(sql<SqlBool>`c.created_at < ${query.createdBefore}::timestamptz`);
  if (query.consent) {
    conditions.push(
      sql<SqlBool>`exists (select 1 from customer_consents k where k.customer_id = c.id and k.channel = ${query.consent} and k.status = 'granted')`,
    );
  }
  const after = decodeCursor(query.cursor, 2);
  if (after) {
    const cast = field === 'name' ? sql`::text` : sql`::timestamptz`;
    conditions.push(desc ? sql<SqlBool>`(${key}, c.id) < (${after[0]}${cast}, ${after[1]}::uuid)` : sql<SqlBool>`(${key}, c.id) > (${after[0]}${cast}, ${after[1]}::uuid)`);
  }

  const rows = (
    await sql<Record<string, unknown> & { sort_key: string }>`
      select c.*, ${key}::text as sort_key
      from customers c
      where ${sql.join(conditions, sql` and `)}
      order by ${key} ${dir}, c.id ${dir}
      limit ${query.limit + 1}`.execute(db)
  ).rows;

  const hasMore = rows.length > query.limit;
  const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
  const ids = pageRows.map((r) => r.id as string);
  const consents = ids.length
    ? await db.selectFrom('customer_consents').select(['customer_id', 'channel', 'status', 'source', 'changed_at']).where('customer_id', 'in', ids).execute()
    : [];
  const byCustomer = new Map<string, ConsentRow[]>();
  for (const k of consents) byCustomer.set(k.customer_id, [...(byCustomer.get(k.customer_id) ?? []), k]);
  const last = pageRows.at(-1);
  return {
    data: pageRows.map((r) => toView(r as never, byCustomer.get(r.id as string) ?? [])),
    nextCursor: hasMore && last ? encodeCursor([last.sort_key, last.id]) : null,
  };
}
