import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { AnalyticsTables } from './analytics/tables.ts';
import type { CustomerTables } from './customers/tables.ts';
import type { ImportTables } from './imports/tables.ts';
import type { JourneyTables } from './journeys/tables.ts';
import type { CalendarTables } from './messaging/calendar/tables.ts';
import type { ChannelTables } from './messaging/channels/tables.ts';
import type { DeliveryTables } from './messaging/delivery/tables.ts';
import type { BroadcastTables } from './messaging/broadcasts/tables.ts';
import type { PreferenceTables } from './messaging/preferences/tables.ts';
import type { TemplateTables } from './messaging/templates/tables.ts';
import type { PlatformTables } from './platform/db/tables.ts';
import type { SegmentTables } from './segments/tables.ts';
import type { TrackingTables } from './tracking/tables.ts';
import type { WorkspaceTables } from './workspaces/tables.ts';

/** Every table Vafa owns. Each capability declares its own in `<capability>/tables.ts`. */
export interface Database extends PlatformTables, WorkspaceTables, CustomerTables, TrackingTables, ImportTables, AnalyticsTables, ChannelTables, DeliveryTables, SegmentTables, TemplateTables, PreferenceTables, CalendarTables, BroadcastTables, JourneyTables {}

/** A connection pool or an open transaction: services accept either. */
export type Db = Kysely<Database>;

// Dates stay strings ('YYYY-MM-DD'): a birthday has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// COUNT(*) and bigserial come back as strings; counts we use fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDb(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'vafa' });
  // An idle connection that the server ends (restart, shutdown, admin termination) is dropped by
  // the pool and replaced on next use; without a listener its 'error' event would kill the process.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
