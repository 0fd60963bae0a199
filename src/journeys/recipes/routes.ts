import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { toPersianDigits } from '../../platform/text/normalize.ts';
import { toArabicDigits } from '../../messaging/templates/filters.ts';
import { journeySchema } from '../schemas.ts';
import { toJourneyView } from '../store.ts';
import { recipeByKey, recipes } from './catalog.ts';
import { installRecipe } from './install.ts';
import { type Language, languages, overridesShape } from './recipe.ts';

const languageQuery = z.strictObject({ lang: z.enum(languages).optional().describe('fa, ar or en (else Accept-Language, else fa)') });

const recipeSummarySchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    trigger: z.string().describe('The trigger kind'),
    triggerSummary: z.string(),
    steps: z.number().int(),
    templates: z.number().int().describe('Templates the install creates (each with email and SMS in fa, ar and en)'),
    settings: z.array(z.string()).describe('What the install body may set besides name'),
  })
  .meta({ id: 'JourneyRecipe' });

export const installBodySchema = z
  .strictObject({
    ...overridesShape,
    idempotencyKey: z.string().min(1).max(255).optional().describe('As the Idempotency-Key header: a double click installs once'),
  })
  .meta({ id: 'InstallJourneyRecipe' });

const installedSchema = z
  .object({
    journey: journeySchema,
    templateIds: z.record(z.string(), z.string()).describe("The created templates' ids by the recipe's keys"),
    attributesDefined: z.array(z.string()).describe('Custom attributes the install defined (missing before)'),
  })
  .meta({ id: 'InstalledJourneyRecipe' });

/** Numbers as each language writes them (the summaries are built with Latin digits). */
const localDigits: Record<Language, (text: string) => string> = { fa: toPersianDigits, ar: toArabicDigits, en: (text) => text };

/** `?lang=`, else the first of Accept-Language's tags we have texts in, else Persian. */
export function requestLanguage(request: FastifyRequest): Language {
  const asked = (request.query as { lang?: string } | undefined)?.lang;
  if (asked && (languages as readonly string[]).includes(asked)) return asked as Language;
  for (const part of String(request.headers['accept-language'] ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().slice(0, 2).toLowerCase();
    if (tag && (languages as readonly string[]).includes(tag)) return tag as Language;
  }
  return 'fa';
}

/** Ready-made journeys: the list, and a one-click install that leaves an editable draft. */
export function recipeRoutes(app: App, deps: { db: Db }): void {
  const { db } = deps;
  const tags = ['journeys'];

  app.get(
    '/api/v1/journeys/recipes',
    {
      schema: { tags, security, summary: 'Ready-made journeys, in the caller’s language', querystring: languageQuery, response: { 200: z.object({ language: z.enum(languages), data: z.array(recipeSummarySchema) }), ...errorResponses } },
      onRequest: guard('journeys:read'),
    },
    async (request) => {
      const language = requestLanguage(request);
      return {
        language,
        data: recipes.map((r) => {
          // Built with stand-in ids only to count and describe it; nothing is stored.
          const def = r.build({}, Object.fromEntries(r.templates.map((t) => [t.key, t.key])), language);
          return {
            key: r.key,
            name: r.name[language],
            description: r.description[language],
            trigger: def.trigger.kind,
            triggerSummary: localDigits[language](r.triggerSummary({}, language)),
            steps: def.steps.length,
            templates: r.templates.length,
            settings: [...r.accepts],
          };
        }),
      };
    },
  );

  app.post(
    '/api/v1/journeys/recipes/:key/install',
    {
      schema: {
        tags,
        security,
        summary: 'Install a ready-made journey: its templates and a draft journey',
        description:
          'Creates the templates (email and SMS in fa, ar and en), the custom attributes it needs when missing, and a draft journey wired to them, named in the caller’s language. `Idempotency-Key` (header or body `idempotencyKey`): a repeat answers the first install.',
        params: z.object({ key: z.string().max(64) }),
        querystring: languageQuery,
        body: installBodySchema,
        response: { 201: installedSchema, ...errorResponses },
      },
      onRequest: guard('journeys:manage'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const recipe = recipeByKey(request.params.key);
      if (!recipe) throw notFound('Recipe');
      const { idempotencyKey, ...overrides } = request.body;
      const header = request.headers['idempotency-key'];
      if (idempotencyKey !== undefined && header !== undefined && header !== idempotencyKey) throw invalid('idempotencyKey', 'idempotencyKey: differs from the Idempotency-Key header');
      // The body's key does what the header does (idempotent() reads the header).
      if (idempotencyKey !== undefined) request.headers['idempotency-key'] = idempotencyKey;
      const language = requestLanguage(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, async (tx) => {
        const installed = await installRecipe(tx, actor, recipe, overrides, language);
        return { journey: toJourneyView(installed.journey), templateIds: installed.templateIds, attributesDefined: installed.attributesDefined };
      });
    },
  );
}
