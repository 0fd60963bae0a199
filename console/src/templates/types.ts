/** Shapes of the template API (src/messaging/templates/routes.ts). */
export type Category = 'marketing' | 'transactional';
export type ContentKind = 'email' | 'sms' | 'messenger' | 'push' | 'whatsapp' | 'webhook';
export const CONTENT_KINDS: readonly ContentKind[] = ['email', 'sms', 'messenger', 'push', 'whatsapp', 'webhook'];
/** The channel a preview renders for each kind of content. */
export const PREVIEW_CHANNEL: Record<ContentKind, string> = { email: 'email', sms: 'sms', messenger: 'telegram', push: 'webpush', whatsapp: 'whatsapp', webhook: 'webhook' };

export interface EmailContent {
  subject: string;
  format: 'mjml' | 'html';
  body: string;
  text?: string;
}
export interface Variant {
  email?: EmailContent;
  sms?: { text: string };
  messenger?: { text: string; buttonText?: string; buttonUrl?: string };
  push?: { title: string; body: string; url?: string };
  whatsapp?: { templateName?: string; templateLanguage?: string; parameters: string[]; text?: string };
  webhook?: { payload: Record<string, unknown> };
}

export interface TemplateInput {
  name: string;
  category: Category;
  topic: string | null;
  useVoice: boolean;
  variants: Record<string, Variant>;
}

export interface Warning {
  code: string;
  field: string;
  message: string;
}

export interface Template extends TemplateInput {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  warnings: Warning[];
}

export interface TemplateSummary {
  id: string;
  name: string;
  category: Category;
  topic: string | null;
  useVoice: boolean;
  version: number;
  languages: string[];
  channels: string[];
  updatedAt: string;
}

export interface Preview {
  language: string;
  channel: string;
  subject?: string;
  html?: string;
  text: string;
  url?: string;
  buttonText?: string;
  template?: { name: string; language: string; parameters: string[] };
  sms?: { encoding: 'gsm7' | 'ucs2'; units: number; segments: number };
  warnings: Warning[];
}

export type Tone = 'formal' | 'friendly';
export interface Voice {
  tone: Tone;
  greetings: Record<string, string>;
  signatures: Record<string, string>;
  effective: Record<string, { greeting: string; signature: string }>;
  updatedAt: string | null;
}
