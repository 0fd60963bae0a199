import type { ColumnType, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** A topic's label per language (fa, ar, en …). */
export type TopicLabels = Record<string, string>;

/** Every channel of a topic opt-out (as opposed to one ChannelKind). */
export const ALL_CHANNELS = '*';

export interface PreferenceTables {
  messaging_topics: {
    workspace_id: string;
    key: string;
    labels: JSONColumnType<TopicLabels, string, string>;
    created_at: CreatedAt;
    updated_at: UpdatedAt;
  };
  topic_opt_outs: {
    workspace_id: string;
    customer_id: string;
    topic: string;
    /** A ChannelKind, or ALL_CHANNELS. */
    channel: string;
    source: string;
    message_id: string | null;
    created_at: CreatedAt;
  };
}
