import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import { err, ok, type Result } from '../../platform/result.ts';
import type { RenderedContent, RenderRequest } from '../contracts.ts';
import { loadRecipient as loadTemplateScope } from '../templates/context.ts';
import { type Escaping, type Parsed, parseLiquid, renderLiquid } from '../templates/liquid.ts';
import type { InlineContent } from './tables.ts';

/**
 * Inline content (a message posted with `content` instead of a template) is Liquid too, rendered
 * per recipient by the same sandboxed engines as templates, so `{{ customer.first_name }}` works
 * in both. `html` escapes every output; text, subject and url do not (they are not HTML).
 */
const fields = [
  ['text', 'text'],
  ['subject', 'text'],
  ['html', 'html'],
  ['url', 'text'],
] as const satisfies readonly (readonly [keyof InlineContent, Escaping])[];

type ParsedInline = Partial<Record<keyof InlineContent, Parsed>>;

export interface InlineSyntaxError {
  field: keyof InlineContent;
  line: number;
  column: number;
  message: string;
}

export function parseInline(content: InlineContent): Result<ParsedInline, InlineSyntaxError> {
  const parsed: ParsedInline = {};
  for (const [field, escaping] of fields) {
    const source = content[field];
    if (source === undefined) continue;
    const p = parseLiquid(source, escaping);
    if (!p.ok) return err({ field, ...p.error });
    parsed[field] = p.value;
  }
  return ok(parsed);
}

/** At POST time: a syntax error is a 400 naming the field (`content.text`) with line and column. */
export function assertInlineParses(content: InlineContent): void {
  const parsed = parseInline(content);
  if (!parsed.ok) {
    const { field, line, column, message } = parsed.error;
    throw invalid(`content.${field}`, `content.${field}: line ${line}, column ${column}: ${message}`);
  }
}

export interface InlineRenderRequest {
  workspaceId: string;
  customerId: string;
  content: InlineContent;
  language?: string | undefined;
  variables?: Record<string, unknown> | undefined;
  links?: RenderRequest['links'];
}

const FACTS_TTL_MS = 5_000;
const MAX_CACHED = 500;

/**
 * Renders inline content per recipient. Parsed sources are cached by their text: a broadcast with
 * inline content parses once, like a template; single API messages cost one parse each.
 */
export class InlineRenderer {
  readonly #parsed = new Map<string, ParsedInline>();
  readonly #workspaces = new Map<string, { at: number; name: string; timezone: string; language: string }>();

  constructor(private readonly db: Db) {}

  async render(request: InlineRenderRequest): Promise<Result<RenderedContent, string>> {
    const parsed = this.#parse(request.content);
    if (!parsed.ok) return err(`content.${parsed.error.field}: line ${parsed.error.line}, column ${parsed.error.column}: ${parsed.error.message}`);
    const sources = Object.values(request.content).join('\n');
    const needs = { lastOrder: /\blast_order\b/.test(sources), recommendations: /\brecommendations\b/.test(sources) };
    const [ws, recipient] = await Promise.all([this.#workspace(request.workspaceId), loadTemplateScope(this.db, request.workspaceId, request.customerId, needs)]);
    if (!recipient) return err(`customer ${request.customerId} not found`);
    const language = request.language ?? recipient.customer.language ?? ws.language;
    const scope = {
      customer: recipient.customer,
      last_order: recipient.last_order,
      recommendations: recipient.recommendations,
      workspace: { id: request.workspaceId, name: ws.name },
      brand: { name: ws.name },
      links: { unsubscribe: request.links?.unsubscribeUrl ?? '', preferences: request.links?.preferencesUrl ?? '' },
      vars: request.variables ?? {},
      now: new Date().toISOString(),
      language,
      timezone: validZone(recipient.customer.timezone) ? recipient.customer.timezone : ws.timezone,
    };
    try {
      const out: Partial<Record<keyof InlineContent, string>> = {};
      for (const [field] of fields) {
        const p = parsed.value[field];
        if (p) out[field] = await renderLiquid(p, scope);
      }
      const url = out.url?.trim();
      return ok({
        language,
        text: (out.text ?? '').trim(),
        ...(out.subject !== undefined ? { subject: out.subject.replace(/\s+/g, ' ').trim() } : {}),
        ...(out.html !== undefined ? { html: out.html } : {}),
        ...(url ? { url } : {}),
      });
    } catch (e) {
      return err(`inline content failed to render: ${(e as Error).message}`);
    }
  }

  #parse(content: InlineContent): Result<ParsedInline, InlineSyntaxError> {
    const key = JSON.stringify([content.text, content.subject, content.html, content.url]);
    const hit = this.#parsed.get(key);
    if (hit) return ok(hit);
    const parsed = parseInline(content);
    if (parsed.ok) {
      this.#parsed.set(key, parsed.value);
      if (this.#parsed.size > MAX_CACHED) this.#parsed.delete(this.#parsed.keys().next().value as string);
    }
    return parsed;
  }

  async #workspace(workspaceId: string) {
    const hit = this.#workspaces.get(workspaceId);
    if (hit && Date.now() - hit.at < FACTS_TTL_MS) return hit;
    const ws = await this.db.selectFrom('workspaces').select(['name', 'settings']).where('id', '=', workspaceId).executeTakeFirstOrThrow();
    const facts = {
      at: Date.now(),
      name: ws.name,
      timezone: validZone(ws.settings.timezone) ? ws.settings.timezone : 'Asia/Tehran',
      language: ws.settings.defaultLanguage ?? 'fa',
    };
    this.#workspaces.set(workspaceId, facts);
    return facts;
  }
}

function validZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
