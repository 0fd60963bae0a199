import type { z } from 'zod';
import type { Db } from '../../database.ts';
import type { Trigger } from '../model/schema.ts';
import type { GraphProblem } from '../model/validate.ts';
import { scanBrowsing } from './derived/browse.ts';
import { scanCarts } from './derived/cart.ts';
import { scanDates } from './derived/date.ts';
import { scanInactivity } from './derived/inactivity.ts';
import { scanProducts } from './derived/product.ts';
import { scanVipOrders } from './derived/vip.ts';
import { matchesFilters } from './filters.ts';

/** A tracked event as the engine's tail reads it. */
export interface TailEvent {
  id: string;
  customerId: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  receivedAt: Date;
}

/** A durable segment entry or exit (segment_history), as the engine's tail reads it. */
export interface TailSegmentChange {
  id: string;
  segmentId: string;
  customerId: string;
  action: 'entered' | 'exited';
  occurredAt: Date;
}

/** Someone a trigger lets in: `key` is unique per journey, so finding it twice enters once. */
export interface EntryCandidate {
  customerId: string;
  key: string;
  context: Record<string, unknown>;
  /** When what let them in happened (an event's receipt): the run's entry time, for waits and goals that look back to it. */
  at?: Date | undefined;
}

/** What a derived trigger's scan of one journey knows (engine/derived/scan.ts). */
export interface ScanInput {
  workspaceId: string;
  journeyId: string;
  /** The journey's first activation (database clock): moments before it let no one in. */
  activatedAt: Date;
  /** The engine's clock. */
  now: Date;
  /** What the previous scan returned as its cursor (null on the first scan). */
  cursor: Date | null;
}

export interface ScanResult {
  candidates: EntryCandidate[];
  /** Where the next scan goes on from (it re-reads a little before it). */
  cursor: Date;
}

/**
 * What a trigger kind does with what the engine reads. Kinds driven by the event tail implement
 * `fromEvents`, by segment history `fromSegmentChanges`; both are pure, so the same rows read
 * twice (the tails overlap) yield the same keys. Derived kinds (date, inactivity, abandonment,
 * product, VIP) implement `scan`: a query over the workspace's data, run per journey at most
 * every `scanEveryMs`, whose candidates' keys name the moment, so that a customer enters once
 * per moment however often it runs.
 */
export interface TriggerHandler {
  fromEvents?(trigger: Trigger, events: readonly TailEvent[]): EntryCandidate[];
  fromSegmentChanges?(trigger: Trigger, changes: readonly TailSegmentChange[]): EntryCandidate[];
  scan?(tx: Db, trigger: Trigger, input: ScanInput): Promise<ScanResult>;
}

/** A trigger another capability fires by name (`JourneyEngine.fire`), e.g. survey.score. */
export interface CustomTrigger<S = unknown> {
  name: string;
  settings: z.ZodType<S>;
  /** Whether a journey with these settings takes a firing with this context. */
  matches(settings: S, context: Record<string, unknown>): boolean;
}

/**
 * The trigger registry: built-in kinds (event, segment, api) and named custom triggers that
 * later capabilities register (survey score received, ticket resolved, points threshold). A later
 * trigger kind of this folder (date attribute, inactivity, cart abandonment …) adds its schema
 * to model/schema.ts and its handler here.
 */
export class TriggerRegistry {
  readonly #handlers = new Map<Trigger['kind'], TriggerHandler>();
  readonly #custom = new Map<string, CustomTrigger>();

  constructor() {
    this.#handlers.set('event', {
      fromEvents: (trigger, events) => {
        if (trigger.kind !== 'event') return [];
        return events
          .filter((e) => e.name === trigger.event && matchesFilters(e.properties, trigger.properties))
          .map((e) => ({ customerId: e.customerId, key: `event:${e.id}`, context: { event: e.name, eventId: e.id, properties: e.properties }, at: e.receivedAt }));
      },
    });
    this.#handlers.set('segment', {
      fromSegmentChanges: (trigger, changes) => {
        if (trigger.kind !== 'segment') return [];
        return changes
          .filter((c) => c.segmentId === trigger.segmentId && c.action === trigger.action)
          .map((c) => ({ customerId: c.customerId, key: `segment:${c.id}`, context: { segmentId: c.segmentId, action: c.action }, at: c.occurredAt }));
      },
    });
    this.#handlers.set('api', {});
    this.#handlers.set('custom', {});
    // Derived kinds are found by engine/derived's scans, not by the tails.
    this.#handlers.set('date', { scan: scanDates });
    this.#handlers.set('inactivity', { scan: scanInactivity });
    this.#handlers.set('cart_abandonment', { scan: scanCarts });
    this.#handlers.set('browse_abandonment', { scan: scanBrowsing });
    this.#handlers.set('product', { scan: scanProducts });
    this.#handlers.set('vip', { scan: scanVipOrders });
  }

  handler(kind: Trigger['kind']): TriggerHandler {
    const h = this.#handlers.get(kind);
    if (!h) throw new Error(`no handler for the trigger kind ${kind}`);
    return h;
  }

  /** Replaces the handler of a kind (a later trigger kind of this folder). */
  setHandler(kind: Trigger['kind'], handler: TriggerHandler): void {
    this.#handlers.set(kind, handler);
  }

  registerCustom<S>(trigger: CustomTrigger<S>): void {
    if (this.#custom.has(trigger.name)) throw new Error(`custom trigger ${trigger.name} registered twice`);
    this.#custom.set(trigger.name, trigger as CustomTrigger);
  }

  custom(name: string): CustomTrigger | undefined {
    return this.#custom.get(name);
  }

  /** Activation's check of the trigger itself (custom names must be registered, settings valid). */
  problems(trigger: Trigger): GraphProblem[] {
    if (trigger.kind === 'date' && trigger.source === 'attribute' && !trigger.attribute) {
      return [{ field: 'trigger.attribute', message: 'trigger: a date trigger on an attribute needs the attribute that holds the date' }];
    }
    if (trigger.kind !== 'custom') return [];
    const custom = this.#custom.get(trigger.name);
    if (!custom) return [{ field: 'trigger.name', message: `trigger: no capability registered a trigger named "${trigger.name}"` }];
    const parsed = custom.settings.safeParse(trigger.settings);
    if (parsed.success) return [];
    return parsed.error.issues.map((i) => ({ field: ['trigger', 'settings', ...i.path.map(String)].join('.'), message: `trigger: ${i.message}` }));
  }
}
