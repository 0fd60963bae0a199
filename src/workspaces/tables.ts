import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Role } from '../platform/access/roles.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface WorkspaceSettings {
  defaultCountry?: string;
  displayCurrency?: string;
  timezone?: string;
  defaultLanguage?: string;
}

export interface WorkspaceTables {
  workspaces: {
    id: Generated<string>;
    name: string;
    settings: JSONColumnType<WorkspaceSettings, string | undefined, string>;
    created_at: CreatedAt;
  };
  users: {
    id: Generated<string>;
    email: string;
    name: string | null;
    password_hash: string;
    created_at: CreatedAt;
  };
  memberships: {
    workspace_id: string;
    user_id: string;
    role: Role;
    created_at: CreatedAt;
  };
  sessions: {
    id: Generated<string>;
    token_hash: string;
    user_id: string;
    workspace_id: string;
    csrf_token: string;
    created_at: CreatedAt;
    expires_at: Timestamp;
  };
  api_keys: {
    id: Generated<string>;
    workspace_id: string;
    kind: 'secret' | 'write';
    name: string;
    role: Role | null;
    key_hash: string;
    key_prefix: string;
    created_by: string | null;
    created_at: CreatedAt;
    last_used_at: Timestamp | null;
    revoked_at: Timestamp | null;
  };
  audit_log: {
    id: Generated<string>;
    workspace_id: string;
    actor_type: 'user' | 'api_key' | 'system';
    actor_id: string | null;
    actor_label: string | null;
    action: string;
    target_type: string;
    target_id: string | null;
    changes: JSONColumnType<Record<string, unknown>, string | undefined, string>;
    request_id: string | null;
    at: CreatedAt;
  };
  login_attempts: {
    id: Generated<string>;
    email: string;
    ip: string;
    succeeded: boolean;
    at: CreatedAt;
  };
}
