import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Category, LanguageMap, Tone, Variants } from './schema.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Per language, the compiled email HTML (MJML and voice applied, Liquid still in it). */
export type Compiled = Record<string, { emailHtml?: string }>;

export interface TemplateTables {
  message_templates: {
    id: Generated<string>;
    workspace_id: string;
    name: string;
    category: Category;
    topic: string | null;
    use_voice: ColumnType<boolean, boolean | undefined, boolean>;
    variants: JSONColumnType<Variants, string, string>;
    compiled: JSONColumnType<Compiled, string | undefined, string>;
    version: ColumnType<number, number | undefined, number>;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  messaging_voice: {
    workspace_id: string;
    tone: ColumnType<Tone, Tone | undefined, Tone>;
    greetings: JSONColumnType<LanguageMap, string | undefined, string>;
    signatures: JSONColumnType<LanguageMap, string | undefined, string>;
    updated_at: Timestamp;
  };
}
