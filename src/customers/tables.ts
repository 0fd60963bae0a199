import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export type Gender = 'female' | 'male' | 'other' | 'unknown';
export type ConsentStatus = 'granted' | 'revoked';
export type AttributeType = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'list';
export type TaskStatus = 'open' | 'in_progress' | 'done' | 'cancelled';
export type TaskPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface CustomerRow {
  id: Generated<string>;
  workspace_id: string;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  emails: TextArray;
  phones: TextArray;
  birthday: ColumnType<string | null, string | null | undefined, string | null>;
  gender: Gender | null;
  city: string | null;
  language: string | null;
  timezone: string | null;
  job: string | null;
  income_band: string | null;
  interests: TextArray;
  challenges: TextArray;
  attributes: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  tags: TextArray;
  search_text: string;
  merged_into: string | null;
  /** Made from an anonymousId alone, until identified (column added by the tracking capability). */
  anonymous: ColumnType<boolean, boolean | undefined, boolean>;
  erased_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CustomerTables {
  customers: CustomerRow;
  customer_consents: {
    workspace_id: string;
    customer_id: string;
    channel: string;
    status: ConsentStatus;
    source: string;
    changed_at: Timestamp;
  };
  attribute_definitions: {
    workspace_id: string;
    key: string;
    label: string;
    type: AttributeType;
    options: TextArray;
    created_at: CreatedAt;
  };
  customer_activity: {
    id: Generated<string>;
    workspace_id: string;
    customer_id: string;
    action: string;
    data: JSONColumnType<Record<string, unknown>, string | undefined, string>;
    actor_label: string | null;
    occurred_at: CreatedAt;
  };
  notes: {
    id: Generated<string>;
    workspace_id: string;
    customer_id: string;
    body: string;
    author_id: string | null;
    author_label: string | null;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  tasks: {
    id: Generated<string>;
    workspace_id: string;
    customer_id: string | null;
    title: string;
    description: string | null;
    assignee_id: string | null;
    due_at: Timestamp | null;
    status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
    priority: ColumnType<TaskPriority, TaskPriority | undefined, TaskPriority>;
    source: ColumnType<string, string | undefined, string>;
    created_by_label: string | null;
    created_at: CreatedAt;
    updated_at: Timestamp;
    completed_at: Timestamp | null;
  };
  customer_merges: {
    id: Generated<string>;
    workspace_id: string;
    primary_id: string;
    secondary_id: string;
    secondary_snapshot: JSONColumnType<Record<string, unknown>, string, string>;
    /** Added by migration 0003 (tracking): the primary before the merge, for unmerge. */
    primary_snapshot: JSONColumnType<Record<string, unknown>, string | undefined, string> | null;
    undone_at: ColumnType<Date | null, Date | string | undefined, Date | string | null>;
    moved: JSONColumnType<Record<string, unknown>, string | undefined, string>;
    merged_by: string | null;
    merged_at: CreatedAt;
  };
}
