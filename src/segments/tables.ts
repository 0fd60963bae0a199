import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { RuleGroup } from './rules/schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type SegmentKind = 'dynamic' | 'manual';
export type MembershipAction = 'entered' | 'exited';
/** Why a customer entered or left: the rules matched, a person added/removed them, a CSV import, or a merge. */
export type MembershipCause = 'rules' | 'manual' | 'import' | 'merge';

export interface SegmentTables {
  segments: {
    id: Generated<string>;
    workspace_id: string;
    name: string;
    description: string | null;
    kind: SegmentKind;
    rules: JSONColumnType<RuleGroup | null, string | null, string | null>;
    member_count: ColumnType<number, number | undefined, number>;
    computed_at: Timestamp | null;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  segment_members: {
    segment_id: string;
    customer_id: string;
    workspace_id: string;
    entered_at: Timestamp;
  };
  segment_history: {
    id: Generated<number>;
    workspace_id: string;
    segment_id: string;
    customer_id: string;
    action: MembershipAction;
    cause: MembershipCause;
    occurred_at: Timestamp;
  };
  segment_watermarks: {
    workspace_id: string;
    events_at: Timestamp;
    orders_at: Timestamp;
    customers_at: Timestamp;
    consents_at: Timestamp;
  };
}
