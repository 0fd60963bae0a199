import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { JourneyDefinition, JourneyStatus } from './model/schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T extends object> = JSONColumnType<T, string | undefined, string>;

export type RunStatus = 'active' | 'paused' | 'completed' | 'exited';
export type RunPhase = 'ready' | 'waiting';

export interface JourneyRow {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  description: string | null;
  status: ColumnType<JourneyStatus, JourneyStatus | undefined, JourneyStatus>;
  definition: JSONColumnType<JourneyDefinition, string, string>;
  version: ColumnType<number, number | undefined, number>;
  trigger_kind: string;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  activated_at: NullableTimestamp;
  paused_at: NullableTimestamp;
  archived_at: NullableTimestamp;
}

export interface RunRow {
  id: Generated<string>;
  workspace_id: string;
  journey_id: string;
  version: number;
  customer_id: string;
  status: RunStatus;
  current_step: string | null;
  phase: ColumnType<RunPhase, RunPhase | undefined, RunPhase>;
  wake_at: NullableTimestamp;
  wait_event: string | null;
  wait_since: NullableTimestamp;
  resolved_port: string | null;
  visits: Json<Record<string, number>>;
  context: Json<Record<string, unknown>>;
  entry_key: string;
  holdout: ColumnType<boolean, boolean | undefined, boolean>;
  entered_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
  exit_reason: string | null;
  errors: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  goal_at: NullableTimestamp;
  goal_revenue: ColumnType<number | null, number | null | undefined, number | null>;
  goal_currency: string | null;
}

export interface JourneyTables {
  journeys: JourneyRow;
  journey_versions: {
    journey_id: string;
    version: number;
    workspace_id: string;
    definition: JSONColumnType<JourneyDefinition, string, string>;
    created_by: string;
    created_at: CreatedAt;
  };
  journey_runs: RunRow;
  journey_step_log: {
    run_id: string;
    step_id: string;
    visit: number;
    workspace_id: string;
    journey_id: string;
    customer_id: string;
    version: number;
    kind: string;
    port: string | null;
    detail: Json<Record<string, unknown>>;
    occurred_at: CreatedAt;
  };
  journey_messages: { message_id: string; journey_id: string; run_id: string; step_id: string; created_at: CreatedAt };
  journey_webhooks: {
    id: Generated<string>;
    workspace_id: string;
    journey_id: string;
    run_id: string;
    step_id: string;
    idempotency_key: string;
    url: string;
    method: string;
    headers: Json<Record<string, string>>;
    body: Json<Record<string, unknown>>;
    status: ColumnType<'pending' | 'sent' | 'failed', 'pending' | 'sent' | 'failed' | undefined, 'pending' | 'sent' | 'failed'>;
    attempts: ColumnType<number, number | undefined, number>;
    next_at: Timestamp;
    locked_until: NullableTimestamp;
    response_status: number | null;
    last_error: string | null;
    created_at: CreatedAt;
    sent_at: NullableTimestamp;
  };
  journey_watermarks: { workspace_id: string; events_at: Timestamp; segments_at: Timestamp };
  journey_settings: { workspace_id: string; max_active_per_customer: number };
}
