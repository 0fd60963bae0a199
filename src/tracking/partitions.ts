import { sql } from 'kysely';
import type { Db } from '../database.ts';

/**
 * Events are partitioned by calendar month (UTC). Before a batch is written, the months it
 * touches must exist. The set below only saves round trips: the database is the truth, and the
 * creation is idempotent and serialised there (vafa_ensure_events_partition).
 */
export class EventPartitions {
  private readonly known = new Set<string>();

  constructor(private readonly db: Db) {}

  async ensure(dates: Iterable<Date>): Promise<void> {
    const months = new Set<string>();
    for (const d of dates) months.add(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`);
    for (const month of months) {
      if (this.known.has(month)) continue;
      await sql`select vafa_ensure_events_partition(${month}::date)`.execute(this.db);
      this.known.add(month);
    }
  }
}
