import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { compileTemplate } from '../../messaging/templates/compile.ts';
import { insertTemplate } from '../../messaging/templates/store.ts';
import { invalid } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import { createJourneySchema } from '../schemas.ts';
import { createJourney, type Journey } from '../store.ts';
import type { Language, OverrideKey, Overrides, Recipe } from './recipe.ts';
import { templateInputOf } from './recipe.ts';

export interface Installed {
  journey: Journey;
  /** The created templates' ids by the recipe's template keys. */
  templateIds: Record<string, string>;
  /** Custom attributes this install defined (those missing before). */
  attributesDefined: string[];
}

/**
 * Installs a recipe in the caller's transaction: its templates (through the templates service's
 * compile and store, named after the journey), the custom attributes it needs when missing, and
 * a draft journey wired to them. The draft is an ordinary one: edit anything, then activate —
 * activation names what the workspace still lacks (a channel for its sends, say).
 */
export async function installRecipe(tx: Db, actor: Actor, recipe: Recipe, overrides: Overrides, language: Language): Promise<Installed> {
  for (const key of Object.keys(overrides) as (keyof Overrides)[]) {
    if (key === 'name' || overrides[key] === undefined) continue;
    if (!recipe.accepts.includes(key as OverrideKey)) {
      const takes = recipe.accepts.length ? `it takes ${recipe.accepts.join(', ')}` : 'it takes only name';
      throw invalid(key, `${key}: the ${recipe.key} recipe has no such setting (${takes})`);
    }
  }
  const { workspaceId } = actor;
  const name = overrides.name ?? recipe.name[language];

  const templateIds: Record<string, string> = {};
  for (const spec of recipe.templates) {
    const input = templateInputOf(spec, await freeTemplateName(tx, workspaceId, `${name.slice(0, 150)} · ${spec.label[language]}`));
    const saved = await insertTemplate(tx, workspaceId, input, await compileTemplate(input));
    templateIds[spec.key] = saved.id;
  }

  const attributesDefined: string[] = [];
  for (const a of recipe.attributes(overrides)) {
    const row = await tx
      .insertInto('attribute_definitions')
      .values({ workspace_id: workspaceId, key: a.key, label: a.label, type: a.type, options: [] })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!row) continue;
    attributesDefined.push(a.key);
    await recordAudit(tx, actor, { action: 'attribute.defined', targetType: 'attribute', targetId: a.key, changes: { key: a.key, label: a.label, type: a.type, recipe: recipe.key } });
  }

  // Through the API's own schema, so the draft has every default a hand-made one would.
  const body = createJourneySchema.parse({ name, description: recipe.description[language], ...recipe.build(overrides, templateIds, language) });
  const journey = await createJourney(tx, workspaceId, body, actor.label);
  await recordAudit(tx, actor, { action: 'journey.created', targetType: 'journey', targetId: journey.id, changes: { name: journey.name, recipe: recipe.key, templateIds } });
  return { journey, templateIds, attributesDefined };
}

/** `base`, or `base (2)`, `base (3)` … — template names are unique per workspace, and a recipe may be installed twice. */
async function freeTemplateName(db: Db, workspaceId: string, base: string): Promise<string> {
  const pattern = `${base.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.selectFrom('message_templates').select('name').where('workspace_id', '=', workspaceId).where(sql<boolean>`name like ${pattern}`).execute();
  const taken = new Set(rows.map((r) => r.name));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`)) return `${base} (${i})`;
}
