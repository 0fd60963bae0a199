import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** The workspace's "not contacted for N days" alert (one per workspace). */
export interface ContactAlertRow {
  workspace_id: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  days: number;
  channel: string | null;
  segment_id: string | null;
  assignee_id: string | null;
  last_run_at: NullableTimestamp;
  updated_at: Timestamp;
}

/** A customer's silence that crossed the alert's threshold, once (see 0013_calendar.sql). */
export interface ContactAlertCrossingRow {
  workspace_id: string;
  customer_id: string;
  silent_since: Date;
  task_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface CalendarTables {
  contact_alerts: ContactAlertRow;
  contact_alert_crossings: ContactAlertCrossingRow;
}
