import type { Db } from '../../database.ts';
import { err, ok, type Result } from '../../platform/result.ts';
import type { ChannelKind } from '../channels/channel.ts';
import type { RenderedContent, RenderRequest } from '../contracts.ts';
import { loadRecipient, loadRecipients, type RecipientData } from './context.ts';
import { contentFor, liquidFields } from './fields.ts';
import { htmlToText } from './html-text.ts';
import { type Parsed, parseLiquid, renderLiquid } from './liquid.ts';
import type { Category, Variants } from './schema.ts';
import type { Compiled } from './tables.ts';
import { loadVoice, parseVoice, type ParsedVoice, type Voice, withVoiceText } from './voice.ts';

/** A template as the renderer needs it (a stored row, or an unsaved draft being previewed). */
export interface RenderableTemplate {
  id: string;
  name: string;
  category: Category;
  useVoice: boolean;
  variants: Variants;
  compiled: Compiled;
  version: number;
}

/** Every Liquid source parsed once, per language and field path. */
export interface ParsedTemplate {
  template: RenderableTemplate;
  fields: Map<string, Map<string, Parsed>>;
  needs: { lastOrder: boolean; recommendations: boolean };
}

export function parseTemplate(template: RenderableTemplate): ParsedTemplate {
  const fields = new Map<string, Map<string, Parsed>>();
  let sources = '';
  for (const [language, variant] of Object.entries(template.variants)) {
    const byPath = new Map<string, Parsed>();
    for (const field of liquidFields(variant, template.compiled[language]?.emailHtml)) {
      const parsed = parseLiquid(field.source, field.escaping);
      // Sources were parsed when saved; one that no longer parses is a bug, not bad input.
      if (!parsed.ok) throw new Error(`template ${template.id} ${language}.${field.path} does not parse: ${parsed.error.message}`);
      byPath.set(field.path, parsed.value);
      sources += field.source;
    }
    fields.set(language, byPath);
  }
  return { template, fields, needs: { lastOrder: /\blast_order\b/.test(sources), recommendations: /\brecommendations\b/.test(sources) } };
}

/** The workspace facts a render needs, cached briefly (they change rarely; a voice save clears them). */
export interface WorkspaceFacts {
  id: string;
  name: string;
  defaultLanguage: string;
  timezone: string;
  voice: Voice;
  parsedVoice: Map<string, ParsedVoice>;
}

// Building an Intl.DateTimeFormat to test a zone costs more than a whole Liquid render of an email,
// and a workspace's customers share a handful of zones: each answer is kept.
const knownZones = new Map<string, boolean>();
const validZone = (zone: string | null | undefined): zone is string => {
  if (!zone) return false;
  let valid = knownZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    // Bounded: zone names come from customer profiles, which anyone with an API key can write.
    if (knownZones.size < 1000) knownZones.set(zone, valid);
  }
  return valid;
};

/**
 * Requested language → customer's language → workspace default → the first variant; among those,
 * the first that has content for the channel.
 */
export function pickLanguage(variants: Variants, channel: ChannelKind, candidates: (string | null | undefined)[]): string | undefined {
  const kind = contentFor[channel];
  const ordered = [...candidates.flatMap((c) => (c ? [c, c.split('-')[0] ?? c] : [])), ...Object.keys(variants)];
  return ordered.find((language) => variants[language]?.[kind] !== undefined);
}

export interface RenderInput {
  channel: ChannelKind;
  language?: string | undefined;
  variables?: Record<string, unknown> | undefined;
  links?: RenderRequest['links'];
}

/** Renders one channel's content of a parsed template for one recipient. */
export async function renderFor(parsed: ParsedTemplate, facts: WorkspaceFacts, recipient: RecipientData, input: RenderInput): Promise<Result<RenderedContent, string>> {
  const { template } = parsed;
  const language = pickLanguage(template.variants, input.channel, [input.language, recipient.customer.language, facts.defaultLanguage]);
  if (!language) return err(`template "${template.name}" has no ${contentFor[input.channel]} content for channel ${input.channel}`);
  const variant = template.variants[language];
  const fields = parsed.fields.get(language);
  if (!variant || !fields) return err(`template "${template.name}" has no ${language} variant`);

  const scope: Record<string, unknown> = {
    customer: recipient.customer,
    last_order: recipient.last_order,
    recommendations: recipient.recommendations,
    workspace: { id: facts.id, name: facts.name },
    brand: { name: facts.name, tone: facts.voice.tone },
    links: { unsubscribe: input.links?.unsubscribeUrl ?? '', preferences: input.links?.preferencesUrl ?? '' },
    vars: input.variables ?? {},
    now: new Date().toISOString(),
    language,
    timezone: validZone(recipient.customer.timezone) ? recipient.customer.timezone : facts.timezone,
  };
  try {
    const voice = { greeting: '', signature: '' };
    if (template.useVoice) {
      const pv = facts.parsedVoice.get(language) ?? parseVoice(facts.voice, language);
      facts.parsedVoice.set(language, pv);
      voice.greeting = pv.greeting ? (await renderLiquid(pv.greeting, scope)).trim() : '';
      voice.signature = pv.signature ? (await renderLiquid(pv.signature, scope)).trim() : '';
    }
    scope.voice = voice;
    const render = async (path: string) => {
      const p = fields.get(path);
      return p ? renderLiquid(p, scope) : undefined;
    };
    const voiced = (text: string, source: string) => (template.useVoice ? withVoiceText(text, source, voice) : text);
    const base = { language };
    switch (contentFor[input.channel]) {
      case 'email': {
        const email = variant.email!;
        const html = (await render('email.body')) ?? '';
        const text = email.text !== undefined ? voiced((await render('email.text')) ?? '', email.text) : htmlToText(html);
        return ok({ ...base, subject: oneLine((await render('email.subject')) ?? ''), html, text });
      }
      case 'sms':
        return ok({ ...base, text: voiced(((await render('sms.text')) ?? '').trim(), variant.sms!.text) });
      case 'messenger': {
        const m = variant.messenger!;
        const url = (await render('messenger.buttonUrl'))?.trim();
        return ok({ ...base, text: voiced(((await render('messenger.text')) ?? '').trim(), m.text), ...(url ? { url } : {}), ...(m.buttonText !== undefined ? { buttonText: (await render('messenger.buttonText'))?.trim() } : {}) });
      }
      case 'push': {
        const url = (await render('push.url'))?.trim();
        return ok({ ...base, subject: oneLine((await render('push.title')) ?? ''), text: ((await render('push.body')) ?? '').trim(), ...(url ? { url } : {}) });
      }
      case 'whatsapp': {
        const w = variant.whatsapp!;
        const parameters: string[] = [];
        for (let i = 0; i < w.parameters.length; i++) parameters.push(((await render(`whatsapp.parameters.${i}`)) ?? '').trim());
        const text = w.text !== undefined ? voiced(((await render('whatsapp.text')) ?? '').trim(), w.text) : '';
        return ok({ ...base, text, ...(w.templateName ? { template: { name: w.templateName, language: w.templateLanguage ?? language, parameters } } : {}) });
      }
      case 'webhook': {
        const payload = await renderJson(variant.webhook!.payload, 'webhook.payload', render);
        return ok({ ...base, text: JSON.stringify(payload) });
      }
    }
  } catch (e) {
    // Runtime failures are the author's (a render over its time or memory limit, a bad filter argument).
    return err(`template "${template.name}" failed to render: ${(e as Error).message}`);
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Renders every string leaf of the payload; numbers, booleans and structure stay as written. */
async function renderJson(value: unknown, path: string, render: (path: string) => Promise<string | undefined>): Promise<unknown> {
  if (typeof value === 'string') return (await render(path)) ?? value;
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => renderJson(v, `${path}.${i}`, render)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await renderJson(v, `${path}.${k}`, render);
    return out;
  }
  return value;
}

const FACTS_TTL_MS = 5_000;
const MAX_CACHED_TEMPLATES = 1_000;

/**
 * The `MessageRenderer` the delivery pipeline calls per recipient: parsed templates are cached by
 * (id, version) — one indexed lookup per render checks the version — and workspace facts for a few
 * seconds, so a broadcast parses each template once and never compiles MJML.
 */
export class TemplateRenderer {
  private readonly templates = new Map<string, ParsedTemplate>();
  private readonly facts = new Map<string, { at: number; facts: WorkspaceFacts }>();

  constructor(private readonly db: Db) {}

  async render(request: RenderRequest): Promise<Result<RenderedContent, string>> {
    const { workspaceId, templateId, customerId } = request;
    const factsLoading = this.workspaceFacts(workspaceId);
    // Awaited below on every path that renders; the early error returns must not leave it unhandled.
    factsLoading.catch(() => undefined);
    // Steady state (a broadcast): the parsed template is cached, and one query brings the
    // customer, what the template reads, and the template's version to confirm the cache.
    const cached = this.templates.get(templateId);
    if (cached) {
      const recipient = await loadRecipient(this.db, workspaceId, customerId, cached.needs, templateId);
      if (recipient && recipient.templateVersion === cached.template.version) return renderFor(cached, await factsLoading, recipient, request);
    }
    const parsed = await this.template(workspaceId, templateId);
    if (!parsed) return err(`template ${templateId} not found`);
    const recipient = await loadRecipient(this.db, workspaceId, customerId, parsed.needs);
    if (!recipient) return err(`customer ${customerId} not found`);
    return renderFor(parsed, await factsLoading, recipient, request);
  }

  /**
   * Many renders with one customer query per (workspace, template) instead of one per recipient:
   * the delivery worker renders a decided batch at once. Results come in the requests' order.
   */
  async renderMany(requests: readonly RenderRequest[]): Promise<Result<RenderedContent, string>[]> {
    const results: Result<RenderedContent, string>[] = new Array(requests.length);
    const groups = new Map<string, number[]>();
    requests.forEach((r, i) => {
      const key = `${r.workspaceId} ${r.templateId}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const indexes of groups.values()) {
      const first = requests[indexes[0] as number] as RenderRequest;
      const { workspaceId, templateId } = first;
      const facts = await this.workspaceFacts(workspaceId);
      const customers = indexes.map((i) => (requests[i] as RenderRequest).customerId);
      let parsed = this.templates.get(templateId);
      let recipients = parsed ? await loadRecipients(this.db, workspaceId, customers, parsed.needs, templateId) : undefined;
      // A template changed since it was cached (or never cached): parse it, then read what it needs.
      const version = recipients?.values().next().value?.templateVersion;
      if (!parsed || !recipients || (recipients.size > 0 && version !== parsed.template.version)) {
        parsed = await this.template(workspaceId, templateId);
        recipients = parsed ? await loadRecipients(this.db, workspaceId, customers, parsed.needs) : undefined;
      }
      for (const i of indexes) {
        const request = requests[i] as RenderRequest;
        const recipient = recipients?.get(request.customerId.toLowerCase());
        if (!parsed) results[i] = err(`template ${templateId} not found`);
        else if (!recipient) results[i] = err(`customer ${request.customerId} not found`);
        else results[i] = await renderFor(parsed, facts, recipient, request);
      }
    }
    return results;
  }

  async template(workspaceId: string, id: string): Promise<ParsedTemplate | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const current = await this.db.selectFrom('message_templates').select('version').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    if (!current) return undefined;
    const cached = this.templates.get(id);
    if (cached && cached.template.version === current.version) return cached;
    const row = await this.db.selectFrom('message_templates').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const parsed = parseTemplate({ id: row.id, name: row.name, category: row.category, useVoice: row.use_voice, variants: row.variants, compiled: row.compiled, version: row.version });
    this.templates.delete(id);
    this.templates.set(id, parsed);
    // Maps iterate in insertion order: the first key is the least recently (re)parsed template.
    if (this.templates.size > MAX_CACHED_TEMPLATES) this.templates.delete(this.templates.keys().next().value as string);
    return parsed;
  }

  async workspaceFacts(workspaceId: string): Promise<WorkspaceFacts> {
    const hit = this.facts.get(workspaceId);
    if (hit && Date.now() - hit.at < FACTS_TTL_MS) return hit.facts;
    const ws = await this.db.selectFrom('workspaces').select(['id', 'name', 'settings']).where('id', '=', workspaceId).executeTakeFirstOrThrow();
    const facts: WorkspaceFacts = {
      id: ws.id,
      name: ws.name,
      defaultLanguage: ws.settings.defaultLanguage ?? 'fa',
      timezone: validZone(ws.settings.timezone) ? ws.settings.timezone : 'Asia/Tehran',
      voice: await loadVoice(this.db, workspaceId),
      parsedVoice: new Map(),
    };
    this.facts.set(workspaceId, { at: Date.now(), facts });
    return facts;
  }

  /** After a voice or workspace change in this process (other processes see it within the TTL). */
  forget(workspaceId: string): void {
    this.facts.delete(workspaceId);
  }

  /** After a template is deleted. */
  drop(id: string): void {
    this.templates.delete(id);
  }
}
