import type { ColumnType } from 'kysely';

export interface PlatformTables {
  idempotency_keys: {
    workspace_id: string;
    key: string;
    route: string;
    status: number | null;
    body: ColumnType<unknown, string | null | undefined, string>;
    created_at: ColumnType<Date, Date | string | undefined, never>;
  };
}
