import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { BroadcastStatus, VariantKey } from './schemas.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface StoredVariant {
  key: VariantKey;
  templateId: string;
  weight: number;
}

export interface NewsletterSchedule {
  frequency: 'daily' | 'weekly';
  dayOfWeek?: number | undefined;
  time: string;
}

export type RecipientVariant = VariantKey | 'holdout';
export type RecipientOutcome = 'holdout' | 'topic-opt-out' | 'broadcast-cancelled';

export interface BroadcastRow {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  segment_id: string;
  variants: JSONColumnType<StoredVariant[], string, string>;
  /** numeric: pg answers a string. */
  holdout_percent: ColumnType<string, number | string | undefined, number | string>;
  channels: ColumnType<string[], string[] | undefined, string[]>;
  category: 'marketing' | 'transactional';
  priority: ColumnType<number, number | undefined, number>;
  topic: string | null;
  max_per_minute: number | null;
  goal_event: ColumnType<string, string | undefined, string>;
  goal_days: ColumnType<number, number | undefined, number>;
  variables: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  language: string | null;
  status: ColumnType<BroadcastStatus, BroadcastStatus | undefined, BroadcastStatus>;
  send_at: NullableTimestamp;
  started_at: NullableTimestamp;
  snapshot_at: NullableTimestamp;
  audience_count: number | null;
  holdout_count: ColumnType<number, number | undefined, number>;
  enqueue_cursor: string | null;
  enqueued_count: ColumnType<number, number | undefined, number>;
  enqueue_owner: string | null;
  enqueue_lease: NullableTimestamp;
  enqueued_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  paused_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  newsletter_id: string | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface BroadcastTables {
  broadcasts: BroadcastRow;
  broadcast_recipients: {
    broadcast_id: string;
    customer_id: string;
    workspace_id: string;
    variant: RecipientVariant;
    message_id: string | null;
    outcome: RecipientOutcome | null;
  };
  newsletters: {
    id: Generated<string>;
    workspace_id: string;
    name: string;
    feed_url: string;
    schedule: JSONColumnType<NewsletterSchedule, string, string>;
    segment_id: string;
    template_id: string;
    channels: ColumnType<string[], string[] | undefined, string[]>;
    priority: ColumnType<number, number | undefined, number>;
    topic: string | null;
    max_items: ColumnType<number, number | undefined, number>;
    active: ColumnType<boolean, boolean | undefined, boolean>;
    next_run_at: NullableTimestamp;
    last_run_at: NullableTimestamp;
    last_item_at: NullableTimestamp;
    seen_ids: ColumnType<string[], string[] | undefined, string[]>;
    last_broadcast_id: string | null;
    last_error: string | null;
    created_by: string;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
}
