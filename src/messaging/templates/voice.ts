import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import { parseLiquid, type Parsed } from './liquid.ts';
import type { LanguageMap, Tone, VoiceInput } from './schema.ts';

/**
 * The workspace's brand voice: one tone, and a greeting and signature per language that the
 * renderer adds to every channel's text when a template opts in (`useVoice`). Greetings are Liquid
 * so they can address the customer: «{{ customer.first_name }} گرامی».
 */
export interface Voice {
  tone: Tone;
  /** What the workspace set; languages left out use `defaultVoice`. */
  greetings: LanguageMap;
  signatures: LanguageMap;
  updatedAt: string | null;
}

const named = (before: string, after: string, fallback: string) =>
  `{% if customer.first_name %}${before}${before ? ' ' : ''}{{ customer.first_name }}${after}{% else %}${fallback}{% endif %}`;

/** Built-in greetings and signatures, so that a workspace gets a consistent voice before writing its own. */
export const defaultVoice: Record<Tone, { greetings: LanguageMap; signatures: LanguageMap }> = {
  formal: {
    greetings: {
      fa: `${named('', ' گرامی،', 'مشتری گرامی،')}`,
      ar: `${named('عزيزنا', '،', 'عميلنا العزيز،')}`,
      en: `${named('Dear', ',', 'Dear customer,')}`,
    },
    signatures: { fa: 'با احترام، {{ workspace.name }}', ar: 'مع خالص التحية، {{ workspace.name }}', en: 'Kind regards,\n{{ workspace.name }}' },
  },
  friendly: {
    greetings: {
      fa: `${named('سلام', ' جان!', 'سلام!')}`,
      ar: `${named('مرحباً', '!', 'مرحباً!')}`,
      en: `${named('Hi', '!', 'Hi there!')}`,
    },
    signatures: { fa: 'قربانت، تیم {{ workspace.name }}', ar: 'مع أطيب الأمنيات، فريق {{ workspace.name }}', en: 'Cheers,\nthe {{ workspace.name }} team' },
  },
};

export async function loadVoice(db: Db, workspaceId: string): Promise<Voice> {
  const row = await db.selectFrom('messaging_voice').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return { tone: 'formal', greetings: {}, signatures: {}, updatedAt: null };
  return { tone: row.tone, greetings: row.greetings, signatures: row.signatures, updatedAt: row.updated_at.toISOString() };
}

/** Rejects a greeting or signature that is not valid Liquid, naming it (`greetings.fa: line 1, column 4: …`). */
export function checkVoice(input: VoiceInput): void {
  for (const [kind, map] of [['greetings', input.greetings], ['signatures', input.signatures]] as const) {
    for (const [language, source] of Object.entries(map)) {
      const parsed = parseLiquid(source, 'text');
      if (!parsed.ok) {
        const field = `${kind}.${language}`;
        throw invalid(field, `${field}: line ${parsed.error.line}, column ${parsed.error.column}: ${parsed.error.message}`);
      }
    }
  }
}

export async function saveVoice(db: Db, workspaceId: string, input: VoiceInput): Promise<Voice> {
  checkVoice(input);
  const values = { tone: input.tone, greetings: JSON.stringify(input.greetings), signatures: JSON.stringify(input.signatures), updated_at: new Date() };
  await db
    .insertInto('messaging_voice')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  return loadVoice(db, workspaceId);
}

/** The greeting and signature sources in effect for a language ('' when the voice has none for it). */
export function voiceFor(voice: Pick<Voice, 'tone' | 'greetings' | 'signatures'>, language: string): { greeting: string; signature: string } {
  const base = language.split('-')[0] ?? language;
  const defaults = defaultVoice[voice.tone];
  return {
    greeting: voice.greetings[language] ?? voice.greetings[base] ?? defaults.greetings[base] ?? '',
    signature: voice.signatures[language] ?? voice.signatures[base] ?? defaults.signatures[base] ?? '',
  };
}

export interface ParsedVoice {
  greeting: Parsed | undefined;
  signature: Parsed | undefined;
}

/** Parses the effective greeting and signature of a language; sources were checked when saved. */
export function parseVoice(voice: Voice, language: string): ParsedVoice {
  const { greeting, signature } = voiceFor(voice, language);
  const parse = (source: string) => {
    if (!source.trim()) return undefined;
    const parsed = parseLiquid(source, 'text');
    return parsed.ok ? parsed.value : undefined;
  };
  return { greeting: parse(greeting), signature: parse(signature) };
}

const RTL = new Set(['fa', 'ar', 'he', 'ur', 'ckb', 'ps']);
export const isRtl = (language: string) => RTL.has(language.split('-')[0] ?? language);

/**
 * Wraps an email body in the voice at save time: a greeting first and a signature last, unless
 * the author placed `{{ voice.greeting }}` / `{{ voice.signature }}` where they want them. The
 * voice values are rendered per recipient as text, so the HTML engine escapes them once.
 */
export function withVoiceEmail(body: string, format: 'mjml' | 'html', language: string): string {
  const wantsGreeting = !/voice\.greeting/.test(body);
  const wantsSignature = !/voice\.signature/.test(body);
  if (format === 'mjml') {
    const align = isRtl(language) ? ' align="right"' : '';
    const section = (name: string) => `<mj-section><mj-column><mj-text${align}>{{ voice.${name} | escape | newline_to_br | raw }}</mj-text></mj-column></mj-section>`;
    let out = body;
    if (wantsGreeting) out = out.replace(/<mj-body([^>]*)>/, (open) => `${open}${section('greeting')}`);
    if (wantsSignature) out = out.replace(/<\/mj-body>/, (close) => `${section('signature')}${close}`);
    return out;
  }
  const dir = isRtl(language) ? 'rtl' : 'ltr';
  const paragraph = (name: string) => `<p dir="${dir}">{{ voice.${name} | escape | newline_to_br | raw }}</p>`;
  let out = body;
  if (wantsGreeting) out = /<body[^>]*>/i.test(out) ? out.replace(/<body[^>]*>/i, (open) => `${open}${paragraph('greeting')}`) : `${paragraph('greeting')}${out}`;
  if (wantsSignature) out = /<\/body>/i.test(out) ? out.replace(/<\/body>/i, (close) => `${paragraph('signature')}${close}`) : `${out}${paragraph('signature')}`;
  return out;
}

/** Greeting, text, signature: one per paragraph, skipping what is empty or already placed by the author. */
export function withVoiceText(text: string, source: string, voice: { greeting: string; signature: string }): string {
  const parts = [/voice\.greeting/.test(source) ? '' : voice.greeting, text, /voice\.signature/.test(source) ? '' : voice.signature];
  return parts.filter((p) => p.trim() !== '').join('\n');
}
