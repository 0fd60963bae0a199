import type { Selectable } from 'kysely';
import type { CustomerRow } from '../../customers/tables.ts';
import type { Db } from '../../database.ts';
import type { Actor } from '../../platform/http/actor.ts';
import type { Logger } from '../../platform/logger.ts';
import { loadMessagingSettings } from '../../messaging/delivery/settings.ts';
import type { MembershipChange } from '../../segments/membership.ts';
import { loadRuleContext, type RuleContext } from '../../segments/rules/compile.ts';
import type { RunRow } from '../tables.ts';
import type { ChunkWrites } from './writes.ts';

export type Run = Selectable<RunRow>;
export type Customer = Selectable<CustomerRow>;

/** What a pass of the engine reads once per workspace, and what it does after commit. */
export class PassCache {
  readonly #timezones = new Map<string, Promise<string>>();
  readonly #rules = new Map<string, Promise<RuleContext>>();
  readonly #categories = new Map<string, Promise<'marketing' | 'transactional' | undefined>>();
  /** After commit: kick the delivery worker, tell segment listeners. */
  messagesEnqueued = 0;
  segmentChanges: MembershipChange[] = [];

  constructor(
    readonly db: Db,
    readonly now: Date,
    readonly defaultCountry: string,
  ) {}

  /** The workspace's messaging time zone (customers without a valid one of their own wait by it). */
  timezone(workspaceId: string): Promise<string> {
    return memo(this.#timezones, workspaceId, async () => (await loadMessagingSettings(this.db, workspaceId)).timezone);
  }

  ruleContext(workspaceId: string): Promise<RuleContext> {
    return memo(this.#rules, workspaceId, () => loadRuleContext(this.db, workspaceId, this.defaultCountry, this.now));
  }

  templateCategory(workspaceId: string, templateId: string): Promise<'marketing' | 'transactional' | undefined> {
    return memo(this.#categories, `${workspaceId}:${templateId}`, async () => {
      const row = await this.db.selectFrom('message_templates').select('category').where('workspace_id', '=', workspaceId).where('id', '=', templateId).executeTakeFirst();
      return row?.category;
    });
  }
}

function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let known = map.get(key);
  if (!known) {
    known = load();
    map.set(key, known);
  }
  return known;
}

/** Everything a step sees: its transaction, the run, the customer, and the idempotency key of this visit. */
export interface StepEnv {
  tx: Db;
  now: Date;
  run: Run;
  customer: Customer;
  journey: { id: string; name: string; workspaceId: string };
  stepId: string;
  visit: number;
  /** `journey:{runId}:{stepId}:{visit}`: the same visit of the same step always has the same key. */
  key: string;
  cache: PassCache;
  log: Logger;
  /** No wait came before this step in the run: a wait for an event looks back to the entry. */
  firstWait: boolean;
  /** Who the journey acts as in the audit log and on the timeline. */
  actor: Actor;
  /** Given: a send gathers its message there for the chunk's one enqueue (./writes.ts). */
  writes?: ChunkWrites | undefined;
}

export const journeyActor = (workspaceId: string, journeyName: string): Actor => ({ workspaceId, role: 'owner', type: 'system', id: null, label: `journey: ${journeyName}` });
