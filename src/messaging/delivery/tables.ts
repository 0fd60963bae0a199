import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T extends object> = JSONColumnType<T, string | undefined, string>;

export const messageStatuses = ['queued', 'scheduled', 'sending', 'sent', 'delivered', 'read', 'failed', 'suppressed', 'skipped'] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export type MessageCategory = 'marketing' | 'transactional';

/** Inline content of a message sent without a template (Liquid, rendered per recipient like a template). */
export interface InlineContent {
  text: string;
  subject?: string | undefined;
  html?: string | undefined;
  url?: string | undefined;
}

export interface MessageRow {
  id: Generated<string>;
  workspace_id: string;
  customer_id: string;
  idempotency_key: string;
  broadcast_id: string | null;
  category: MessageCategory;
  priority: ColumnType<number, number | undefined, number>;
  channels: ColumnType<string[], string[] | undefined, string[]>;
  template_id: string | null;
  content: JSONColumnType<InlineContent | null, string | null | undefined, string | null>;
  variables: Json<Record<string, unknown>>;
  language: string | null;
  status: MessageStatus;
  reason: string | null;
  not_before: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  channel: string | null;
  address: string | null;
  config_id: string | null;
  provider: string | null;
  provider_message_id: string | null;
  error: string | null;
  slot_at: NullableTimestamp;
  polled_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
}

export interface DeliveryTables {
  messaging_settings: { workspace_id: string; settings: Json<Record<string, unknown>>; updated_at: Timestamp };
  customer_addresses: {
    workspace_id: string;
    customer_id: string;
    kind: string;
    address: string;
    status: ColumnType<'active' | 'invalid', 'active' | 'invalid' | undefined, 'active' | 'invalid'>;
    updated_at: Timestamp;
  };
  suppressions: {
    workspace_id: string;
    customer_id: string;
    kind: string;
    address: string;
    reason: 'blocked' | 'blacklisted' | 'unsubscribed' | 'invalid-address';
    message_id: string | null;
    created_at: CreatedAt;
  };
  messages: MessageRow;
  message_events: {
    id: Generated<number>;
    message_id: string;
    status: string;
    reason: string | null;
    detail: Json<Record<string, unknown>>;
    occurred_at: CreatedAt;
  };
  inbound_messages: {
    id: Generated<string>;
    workspace_id: string;
    customer_id: string | null;
    config_id: string;
    kind: string;
    sender: string;
    body: string;
    provider_message_id: string | null;
    stop: ColumnType<boolean, boolean | undefined, boolean>;
    received_at: Timestamp;
    created_at: CreatedAt;
  };
  channel_breakers: {
    config_id: string;
    workspace_id: string;
    failures: ColumnType<number, number | undefined, number>;
    opened_at: NullableTimestamp;
    probe_at: NullableTimestamp;
    last_error: string | null;
  };
}
