import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../database.ts';
import { decodeCursor, encodeCursor } from '../platform/http/pagination.ts';

/**
 * One history per customer, across every kind of record. A capability that owns a kind of
 * record (notes, events, orders, messages, tickets, surveys, points …) registers a source;
 * the timeline's shape never changes when a source is added.
 *
 * A source returns rows (kind text, id text, occurred_at timestamptz, data jsonb) for one
 * customer, newest first, strictly before the cursor when one is given.
 */
export interface TimelineSource {
  kind: string;
  rows(params: { workspaceId: string; customerId: string; before: TimelineKey | undefined; limit: number }): RawBuilder<unknown>;
}

/** (occurred_at exact text, kind, id): a total order, newest first. */
export type TimelineKey = [string, string, string];

export interface TimelineEntry {
  id: string;
  kind: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** `(occurred_at, kind, id) < before` for a source's WHERE clause, or true. */
export function beforeKey(kind: string, occurredAt: RawBuilder<unknown>, id: RawBuilder<unknown>, before: TimelineKey | undefined) {
  if (!before) return sql`true`;
  return sql`(${occurredAt}, ${kind}::text, ${id}) < (${before[0]}::timestamptz, ${before[1]}::text, ${before[2]}::text)`;
}

export class Timeline {
  private readonly sources: TimelineSource[] = [];

  register(source: TimelineSource): void {
    if (this.sources.some((s) => s.kind === source.kind)) throw new Error(`Timeline source ${source.kind} registered twice`);
    this.sources.push(source);
  }

  get kinds(): string[] {
    return this.sources.map((s) => s.kind);
  }

  async list(db: Db, params: { workspaceId: string; customerIds: string[]; limit: number; cursor?: string | undefined; kinds?: string[] | undefined }) {
    const before = decodeCursor(params.cursor, 3) as TimelineKey | undefined;
    const sources = this.sources.filter((s) => !params.kinds?.length || params.kinds.includes(s.kind));
    if (sources.length === 0) return { data: [], nextCursor: null };
    const parts = sources.flatMap((s) =>
      params.customerIds.map((customerId) => sql`(${s.rows({ workspaceId: params.workspaceId, customerId, before, limit: params.limit + 1 })})`),
    );
    const result = await sql<{ kind: string; id: string; occurred_at: Date; occurred_exact: string; data: Record<string, unknown> }>`
      select kind, id, occurred_at, occurred_at::text as occurred_exact, data
      from (${sql.join(parts, sql` union all `)}) as entries
      order by occurred_at desc, kind desc, id desc
      limit ${params.limit + 1}`.execute(db);
    const rows = result.rows;
    const hasMore = rows.length > params.limit;
    const pageRows = hasMore ? rows.slice(0, params.limit) : rows;
    const last = pageRows.at(-1);
    return {
      data: pageRows.map((r): TimelineEntry => ({ id: r.id, kind: r.kind, occurredAt: r.occurred_at.toISOString(), data: r.data })),
      nextCursor: hasMore && last ? encodeCursor([last.occurred_exact, last.kind, last.id]) : null,
    };
  }
}
