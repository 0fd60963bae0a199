import { z } from 'zod';
import type { Db } from '../../database.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { cursorSchema, limitSchema, pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { channelKinds } from '../channels/channel.ts';
import { compileTemplate } from './compile.ts';
import { loadRecipient } from './context.ts';
import { contentFor } from './fields.ts';
import { lintTemplate, type LintInput } from './lint.ts';
import { parseTemplate, renderFor, type RenderableTemplate, type TemplateRenderer } from './render.ts';
import { categorySchema, languageCode, templateInput, toneSchema, variantsSchema, voiceInput } from './schema.ts';
import { smsSize } from './sms.ts';
import { deleteTemplate, getTemplate, insertTemplate, listTemplates, replaceTemplate } from './store.ts';
import { saveVoice, voiceFor } from './voice.ts';

const tags = ['templates'];
const warningSchema = z.object({ code: z.string(), field: z.string(), message: z.string() }).meta({ id: 'TemplateWarning' });
const templateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    category: categorySchema,
    topic: z.string().nullable(),
    useVoice: z.boolean(),
    variants: variantsSchema,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    warnings: z.array(warningSchema),
  })
  .meta({ id: 'Template' });
const summarySchema = z
  .object({ id: z.string(), name: z.string(), category: categorySchema, topic: z.string().nullable(), useVoice: z.boolean(), version: z.number().int(), languages: z.array(z.string()), channels: z.array(z.string()), updatedAt: z.string() })
  .meta({ id: 'TemplateSummary' });
const previewFields = {
  customerId: z.uuid({ error: 'customerId must be a UUID' }),
  channel: z.enum(channelKinds),
  language: languageCode.optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
};
const previewSchema = z
  .object({
    language: z.string(),
    channel: z.enum(channelKinds),
    subject: z.string().optional(),
    html: z.string().optional(),
    text: z.string(),
    url: z.string().optional(),
    buttonText: z.string().optional(),
    template: z.object({ name: z.string(), language: z.string(), parameters: z.array(z.string()) }).optional(),
    sms: z.object({ encoding: z.enum(['gsm7', 'ucs2']), units: z.number(), segments: z.number() }).optional(),
    warnings: z.array(warningSchema),
  })
  .meta({ id: 'TemplatePreview' });
const voiceSchema = z
  .object({
    tone: toneSchema,
    greetings: z.record(z.string(), z.string()),
    signatures: z.record(z.string(), z.string()),
    /** What each built-in language gets: the workspace's own lines, else the tone's defaults. */
    effective: z.record(z.string(), z.object({ greeting: z.string(), signature: z.string() })),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'BrandVoice' });

/** Links in previews point nowhere: the real ones are made per delivery by the pipeline. */
const PREVIEW_LINKS = { unsubscribeUrl: '#unsubscribe', preferencesUrl: '#preferences' };

export function templateRoutes(app: App, { db, renderer }: { db: Db; renderer: TemplateRenderer }) {
  const read = guard('messaging:read');
  const manage = guard('messaging:manage');
  const id = z.object({ id: z.uuid({ error: 'id must be a UUID' }) });

  const lint = async (workspaceId: string, template: LintInput) => {
    const facts = await renderer.workspaceFacts(workspaceId);
    return lintTemplate(template, { voice: facts.voice, defaultLanguage: facts.defaultLanguage });
  };

  const preview = async (workspaceId: string, template: RenderableTemplate, body: { customerId: string; channel: (typeof channelKinds)[number]; language?: string | undefined; variables?: Record<string, unknown> | undefined }) => {
    const parsed = parseTemplate(template);
    const recipient = await loadRecipient(db, workspaceId, body.customerId, parsed.needs);
    if (!recipient) throw notFound('Customer');
    const facts = await renderer.workspaceFacts(workspaceId);
    const rendered = await renderFor(parsed, facts, recipient, { ...body, links: PREVIEW_LINKS });
    if (!rendered.ok) throw invalid('channel', `channel: ${rendered.error}`);
    const warnings = lintTemplate(template, { voice: facts.voice, defaultLanguage: facts.defaultLanguage });
    return { ...rendered.value, channel: body.channel, ...(contentFor[body.channel] === 'sms' ? { sms: smsSize(rendered.value.text) } : {}), warnings };
  };

  app.get(
    '/api/v1/templates',
    {
      schema: { tags, security, summary: 'Message templates, most recently changed first', querystring: z.strictObject({ limit: limitSchema, cursor: cursorSchema, category: categorySchema.optional() }), response: { 200: pageSchema(summarySchema), ...errorResponses } },
      onRequest: read,
    },
    async (request) => listTemplates(db, actorOf(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/templates',
    {
      schema: { tags, security, summary: 'Create a template (Liquid checked and MJML compiled now; send Idempotency-Key to retry safely)', body: templateInput, response: { 201: templateSchema, ...errorResponses } },
      onRequest: manage,
    },
    async (request, reply) => {
      const { workspaceId } = actorOf(request);
      const compiled = await compileTemplate(request.body);
      const warnings = await lint(workspaceId, request.body);
      return idempotent(db, request, reply, workspaceId, 201, async (tx) => ({ ...(await insertTemplate(tx, workspaceId, request.body, compiled)), warnings }));
    },
  );

  app.get(
    '/api/v1/templates/:id',
    { schema: { tags, security, summary: 'A template with its variants and current warnings', params: id, response: { 200: templateSchema, ...errorResponses } }, onRequest: read },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const template = await getTemplate(db, workspaceId, request.params.id);
      return { ...template, warnings: await lint(workspaceId, template) };
    },
  );

  app.put(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Replace a template (with `version`, refused with 409 if someone saved in between)',
        params: id,
        body: templateInput.extend({ version: z.number().int().positive().optional() }),
        response: { 200: templateSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const { version, ...input } = request.body;
      const compiled = await compileTemplate(input);
      const warnings = await lint(workspaceId, input);
      const saved = await db.transaction().execute((tx) => replaceTemplate(tx, workspaceId, request.params.id, input, compiled, version));
      return { ...saved, warnings };
    },
  );

  app.delete(
    '/api/v1/templates/:id',
    { schema: { tags, security, summary: 'Delete a template', params: id, response: { 204: z.null(), ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      await deleteTemplate(db, actorOf(request).workspaceId, request.params.id);
      renderer.drop(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/templates/:id/preview',
    {
      schema: { tags, security, summary: 'Render a saved template for a real customer of the workspace', params: id, body: z.strictObject(previewFields), response: { 200: previewSchema, ...errorResponses } },
      onRequest: read,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const parsed = await renderer.template(workspaceId, request.params.id);
      if (!parsed) throw notFound('Template');
      return preview(workspaceId, parsed.template, request.body);
    },
  );

  app.post(
    '/api/v1/templates/preview',
    {
      schema: {
        tags,
        security,
        summary: 'Render an unsaved draft for a real customer (errors name fields under `template.`)',
        body: z.strictObject({ ...previewFields, template: templateInput }),
        response: { 200: previewSchema, ...errorResponses },
      },
      onRequest: read,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const draft = request.body.template;
      const compiled = await compileTemplate(draft, 'template.');
      return preview(workspaceId, { id: 'draft', name: draft.name, category: draft.category, useVoice: draft.useVoice, variants: draft.variants, compiled, version: 0 }, request.body);
    },
  );

  app.post(
    '/api/v1/templates/:id/lint',
    { schema: { tags, security, summary: "Check a template against the brand voice and the channels' rules (warnings only)", params: id, response: { 200: z.object({ warnings: z.array(warningSchema) }), ...errorResponses } }, onRequest: read },
    async (request) => {
      const { workspaceId } = actorOf(request);
      return { warnings: await lint(workspaceId, await getTemplate(db, workspaceId, request.params.id)) };
    },
  );

  const voiceView = async (workspaceId: string) => {
    const { voice } = await renderer.workspaceFacts(workspaceId);
    const effective = Object.fromEntries(['fa', 'ar', 'en', ...Object.keys(voice.greetings), ...Object.keys(voice.signatures)].map((l) => [l, voiceFor(voice, l)]));
    return { ...voice, effective };
  };

  app.get(
    '/api/v1/messaging/voice',
    { schema: { tags, security, summary: "The workspace's brand voice", response: { 200: voiceSchema, ...errorResponses } }, onRequest: read },
    async (request) => voiceView(actorOf(request).workspaceId),
  );

  app.put(
    '/api/v1/messaging/voice',
    { schema: { tags, security, summary: 'Set the brand voice: tone, and greeting and signature per language (Liquid)', body: voiceInput, response: { 200: voiceSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const { workspaceId } = actorOf(request);
      await saveVoice(db, workspaceId, request.body);
      renderer.forget(workspaceId);
      return voiceView(workspaceId);
    },
  );
}
