import { sql, type Selectable } from 'kysely';
import type { Db } from '../database.ts';
import { notFound } from '../platform/errors.ts';
import { decodeCursor, page } from '../platform/http/pagination.ts';
import type { SegmentView } from './routes/schemas.ts';
import { memberColumns, type MemberRow } from './service.ts';
import type { SegmentTables } from './tables.ts';

type SegmentRow = Selectable<SegmentTables['segments']>;

export const toView = (r: SegmentRow): SegmentView => ({
  id: r.id,
  name: r.name,
  description: r.description,
  kind: r.kind,
  rules: r.rules,
  memberCount: r.member_count,
  computedAt: r.computed_at ? r.computed_at.toISOString() : null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The segment, locked for the rest of `tx` when `lock` (every membership change holds it). */
export async function findSegment(db: Db, workspaceId: string, id: string, lock = false): Promise<SegmentRow> {
  let query = db.selectFrom('segments').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('Segment');
  return row;
}

/** Newest first, keyset by (created_at, id). */
export async function listSegments(db: Db, workspaceId: string, q: { limit: number; cursor?: string | undefined; q?: string | undefined }) {
  const after = decodeCursor(q.cursor, 2) as [string, string] | undefined;
  let query = db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId);
  if (q.q) query = query.where(sql<boolean>`name ilike ${`%${q.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`}`);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const result = page(rows, q.limit, (last) => [last.created_at.toISOString(), last.id]);
  return { data: result.data.map(toView), nextCursor: result.nextCursor };
}

/** Members, latest entered first, keyset by (entered_at, customer_id). */
export async function listMembers(db: Db, workspaceId: string, segmentId: string, q: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, 2) as [string, string] | undefined;
  const rows = await sql<{ customer_id: string; display_name: string; email: string | null; phone: string | null; entered_at: Date; entered_exact: string }>`
    select ${memberColumns}, m.entered_at, m.entered_at::text as entered_exact
    from segment_members m join customers c on c.id = m.customer_id
    where m.segment_id = ${segmentId}::uuid and m.workspace_id = ${workspaceId}::uuid
      ${after ? sql`and (m.entered_at, m.customer_id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by m.entered_at desc, m.customer_id desc
    limit ${q.limit + 1}`.execute(db);
  const result = page(rows.rows, q.limit, (last) => [last.entered_exact, last.customer_id]);
  return {
    data: result.data.map(
      (r): MemberRow => ({ customerId: r.customer_id, displayName: r.display_name, email: r.email, phone: r.phone, enteredAt: r.entered_at.toISOString() }),
    ),
    nextCursor: result.nextCursor,
  };
}

export async function segmentsOfCustomer(db: Db, workspaceId: string, customerId: string) {
  const rows = await db
    .selectFrom('segment_members as m')
    .innerJoin('segments as s', 's.id', 'm.segment_id')
    .select(['s.id', 's.name', 's.kind', 'm.entered_at'])
    .where('m.customer_id', '=', customerId)
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('s.name')
    .execute();
  return { data: rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, enteredAt: r.entered_at.toISOString() })) };
}
