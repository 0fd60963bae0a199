import mjml2html from 'mjml';
import { invalid } from '../../platform/errors.ts';
import { liquidFields } from './fields.ts';
import { parseLiquid } from './liquid.ts';
import type { TemplateInput, Variants } from './schema.ts';
import type { Compiled } from './tables.ts';
import { withVoiceEmail } from './voice.ts';

/**
 * Save-time work: every Liquid source must parse, and MJML is compiled to HTML here, once, so that
 * sending only renders Liquid. Liquid tags pass through MJML untouched; the compiled HTML is parsed
 * again because MJML may have rearranged what the author wrote. The first problem is thrown as a
 * 400 naming its field with line and column: `variants.fa.email.body: line 3, column 12: …`.
 */
export async function compileTemplate(input: Pick<TemplateInput, 'variants' | 'useVoice'>, fieldPrefix = ''): Promise<Compiled> {
  const compiled: Compiled = {};
  for (const [language, variant] of Object.entries(input.variants)) {
    const at = (path: string) => `${fieldPrefix}variants.${language}.${path}`;
    for (const field of liquidFields(variant)) {
      const parsed = parseLiquid(field.source, field.escaping);
      if (!parsed.ok) throw syntaxError(at(field.path), parsed.error);
    }
    const email = variant.email;
    if (!email) continue;
    const source = input.useVoice ? withVoiceEmail(email.body, email.format, language) : email.body;
    const html = email.format === 'mjml' ? await compileMjml(source, at('email.body')) : source;
    const parsed = parseLiquid(html, 'html');
    if (!parsed.ok) throw invalid(at('email.body'), `${at('email.body')}: after MJML compilation: ${parsed.error.message}`);
    compiled[language] = { emailHtml: html };
  }
  return compiled;
}

const syntaxError = (field: string, e: { line: number; column: number; message: string }) =>
  invalid(field, `${field}: line ${e.line}, column ${e.column}: ${e.message}`);

/** Counts MJML compilations, so tests can prove sending never compiles (only saving does). */
export const mjmlStats = { compilations: 0 };

async function compileMjml(source: string, field: string): Promise<string> {
  mjmlStats.compilations++;
  try {
    // `strict` refuses to render a document with validation errors; includes are ignored so a
    // template cannot read the server's files.
    const result = await mjml2html(source, { validationLevel: 'strict', ignoreIncludes: true, keepComments: false });
    return result.html;
  } catch (e) {
    const first = (e as { errors?: { line?: number; message?: string }[] }).errors?.[0];
    if (first) throw invalid(field, `${field}: line ${first.line ?? 1}: ${first.message ?? 'invalid MJML'}`);
    throw invalid(field, `${field}: ${String((e as Error).message ?? e).trim()}`);
  }
}

/** Languages in stored order and the channels each has content for. */
export function summaryOf(variants: Variants): { languages: string[]; channels: string[] } {
  const channels = new Set<string>();
  for (const v of Object.values(variants)) for (const [k, c] of Object.entries(v)) if (c !== undefined) channels.add(k);
  return { languages: Object.keys(variants), channels: [...channels].sort() };
}
