import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Logger } from '../platform/logger.ts';

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * The observed schema (which properties each event name carries, with their JSON types) is a
 * summary, not data: counting it inside every ingest transaction would make all of them wait on
 * the same hot rows. Counts are gathered per process and written every few seconds instead; a
 * crash loses at most those seconds of counts, never an event.
 */
/** Counts for one (workspace, event type, event name): property → JSON type → times seen. */
interface Tally {
  workspaceId: string;
  type: string;
  name: string;
  counts: Map<string, Map<string, number>>;
}

export class SchemaRecorder {
  private pending = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly everyMs = 2000,
  ) {}

  observe(workspaceId: string, events: { type: string; name: string | null; properties: Record<string, unknown> }[]): void {
    for (const e of events) {
      const name = e.name ?? '';
      const key = `${workspaceId}\u0000${e.type}\u0000${name}`; // PostgreSQL text holds no NUL: the key is unambiguous
      let tally = this.pending.get(key);
      if (!tally) {
        tally = { workspaceId, type: e.type, name, counts: new Map() };
        this.pending.set(key, tally);
      }
      for (const property in e.properties) {
        if (!Object.hasOwn(e.properties, property)) continue;
        const type = jsonType(e.properties[property]);
        let byType = tally.counts.get(property);
        if (!byType) {
          byType = new Map();
          tally.counts.set(property, byType);
        }
        byType.set(type, (byType.get(type) ?? 0) + 1);
      }
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: unknown) => this.log.warn({ err }, 'could not record event schema'));
    }, this.everyMs).unref();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const rows: [string, string, string, string, string, number][] = [];
    for (const t of this.pending.values()) {
      for (const [property, byType] of t.counts) for (const [type, n] of byType) rows.push([t.workspaceId, t.type, t.name, property, type, n]);
    }
    this.pending = new Map();
    if (rows.length === 0) return;
    await sql`
      insert into event_properties as ep (workspace_id, event_type, event_name, property, json_type, seen)
      select w, t, n, p, j, c
      from unnest(${rows.map((r) => r[0])}::uuid[], ${rows.map((r) => r[1])}::text[], ${rows.map((r) => r[2])}::text[],
                  ${rows.map((r) => r[3])}::text[], ${rows.map((r) => r[4])}::text[], ${rows.map((r) => r[5])}::bigint[]) as x(w, t, n, p, j, c)
      where exists (select 1 from workspaces where id = w)
      order by 1, 2, 3, 4, 5
      on conflict (workspace_id, event_type, event_name, property, json_type)
      do update set seen = ep.seen + excluded.seen, last_seen = now()`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
