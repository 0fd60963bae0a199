import type { ColumnType, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type ChannelStatus = 'unverified' | 'ok' | 'failing';

export interface ChannelTables {
  channel_configs: {
    id: string;
    workspace_id: string;
    kind: string;
    provider: string;
    name: string;
    /** The driver's non-secret settings (secret fields removed). */
    settings: JSONColumnType<Record<string, unknown>, string, string>;
    /** The driver's secret fields as one sealed JSON object (platform/secrets.ts). */
    secrets: string | null;
    enabled: boolean;
    is_default: boolean;
    status: ColumnType<ChannelStatus, ChannelStatus | undefined, ChannelStatus>;
    status_message: string | null;
    status_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
    webhook_token: string;
    version: ColumnType<number, number | undefined, number>;
    created_at: CreatedAt;
    updated_at: UpdatedAt;
  };
}
