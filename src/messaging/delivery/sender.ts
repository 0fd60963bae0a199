import type { Updateable } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Result } from '../../platform/result.ts';
import type { ChannelKind, OutgoingMessage, SendOutcome } from '../channels/channel.ts';
import type { MessageRenderer, RenderedContent, RenderRequest } from '../contracts.ts';
import type { SendPlan } from './decide.ts';
import { InlineRenderer } from './inline.ts';
import { giveBackWithdrawn, recordEvent } from './outbox.ts';
import { recordChannelFailure, recordSuccesses, type Success, suppress } from './outcomes.ts';
import { retryDelayMs } from './policy.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { MessagingSettings } from './settings.ts';
import type { MessageRow } from './tables.ts';

/** A decided, rendered message waiting for a send lane. */
export interface SendJob {
  id: string;
  plan: SendPlan;
  links: RenderRequest['links'];
  content: Result<RenderedContent, string>;
  settings: MessagingSettings;
  group: WithdrawalGroup;
}

/** Consecutive jobs checked for withdrawal with one query (see prepare). */
export interface WithdrawalGroup {
  ids: string[];
  checked?: Promise<Set<string>>;
  next?: WithdrawalGroup;
}

/** Sends that go together: one provider call when their channel has a batch call, else one each. */
export type SendUnit = readonly SendJob[];

/** Successes recorded per statement (a crash before a flush re-sends them with the same key). */
const SUCCESS_FLUSH = 200;

/**
 * A chunk's messages for a channel with a batch call go in at least this many calls, so that one
 * call's round trip overlaps the others' instead of the lanes waiting on one large call.
 */
const BATCH_SPREAD = 4;

export interface SenderOptions {
  db: Db;
  log: Logger;
  renderer: MessageRenderer;
  workerId: string;
  now: () => Date;
  concurrency: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  breakerThreshold: number;
  breakerBaseMs: number;
  links?: ((m: { workspaceId: string; customerId: string; messageId: string; channel: ChannelKind; topic?: string | null }) => RenderRequest['links']) | undefined;
}

/**
 * The worker's second half: from decided plans to recorded outcomes. Renders a chunk, sends each
 * message through its channel (rate-limited, lease renewed when late, withdrawn ones given back),
 * buffers successes into one statement per flush and records failures at once.
 */
export class Sender {
  readonly #o: SenderOptions;
  readonly #limiter = new RateLimiter();
  readonly #inline: InlineRenderer;
  /** Sends accepted but not yet recorded (flushed every SUCCESS_FLUSH, before any failure, and at the end of a pass). */
  readonly #successes: Success[] = [];
  #flushing: Promise<void> = Promise.resolve();
  /** Breakers this process opened: config id → next probe. Plans decided before they opened wait instead of sending. */
  readonly #outages = new Map<string, Date>();

  constructor(options: SenderOptions) {
    this.#o = options;
    this.#inline = new InlineRenderer(options.db);
  }

  /**
   * Renders a chunk's plans (one customer query per template where the renderer batches) into
   * send units: messages for a channel with a batch call are grouped (see BATCH_SPREAD), the rest
   * go one per unit. Consecutive jobs form withdrawal groups of as many as run at once: before a
   * group's sends one query gives back the messages their owner withdrew meanwhile (a broadcast
   * paused or cancelled), and those are not sent.
   */
  async prepare(plans: readonly SendPlan[], settings: MessagingSettings): Promise<SendUnit[]> {
    if (plans.length === 0) return [];
    const links = plans.map((p) => this.#o.links?.({ workspaceId: p.message.workspace_id, customerId: p.message.customer_id, messageId: p.message.id, channel: p.kind, topic: p.recipient.topic }));
    const contents = await this.#renderAll(plans, links);
    const size = Math.max(1, this.#o.concurrency);
    const jobs: SendJob[] = [];
    let group: WithdrawalGroup | undefined;
    plans.forEach((plan, i) => {
      if (i % size === 0) {
        const next: WithdrawalGroup = { ids: [] };
        if (group) group.next = next;
        group = next;
      }
      const current = group as WithdrawalGroup;
      current.ids.push(plan.message.id);
      jobs.push({ id: plan.message.id, plan, links: links[i], content: contents[i] as Result<RenderedContent, string>, settings, group: current });
    });
    return unitsOf(jobs);
  }

  /** Sends a unit's jobs that were not withdrawn, and records each outcome. */
  async sendUnit(unit: SendUnit): Promise<void> {
    const withdrawn = new Set<string>();
    for (const group of new Set(unit.map((job) => job.group))) for (const id of await this.withdrawn(group)) withdrawn.add(id);
    const ready: { job: SendJob; message: OutgoingMessage }[] = [];
    for (const job of unit) {
      if (withdrawn.has(job.id)) continue;
      const message = await this.#preflight(job);
      if (message) ready.push({ job, message });
    }
    const outcomes = await this.#deliver(ready);
    for (const [i, { job }] of ready.entries()) await this.#settle(job.plan, outcomes[i] as SendOutcome, job.settings);
    // The next group's check starts when a send of this group is done: ready when the lanes need
    // it, and still after every send of the groups before it began.
    const next = unit.at(-1)?.group.next;
    if (next) void this.withdrawn(next).catch(() => undefined);
  }

  withdrawn(group: WithdrawalGroup): Promise<Set<string>> {
    group.checked ??= giveBackWithdrawn(this.#o.db, this.#o.workerId, group.ids);
    return group.checked;
  }

  async #renderAll(plans: readonly SendPlan[], links: readonly RenderRequest['links'][]): Promise<Result<RenderedContent, string>[]> {
    const contents: Result<RenderedContent, string>[] = new Array(plans.length);
    const templated: number[] = [];
    await Promise.all(
      plans.map(async (plan, i) => {
        const m = plan.message;
        const language = m.language ?? plan.recipient.language ?? undefined;
        if (m.template_id) templated.push(i);
        else if (m.content) contents[i] = await this.#inline.render({ workspaceId: m.workspace_id, customerId: m.customer_id, content: m.content, language, variables: m.variables, links: links[i] });
        else contents[i] = { ok: false, error: 'the message has neither a template nor content' };
      }),
    );
    const requests: RenderRequest[] = templated.map((i) => {
      const plan = plans[i] as SendPlan;
      const m = plan.message;
      return { workspaceId: m.workspace_id, customerId: m.customer_id, templateId: m.template_id as string, channel: plan.kind, language: m.language ?? plan.recipient.language ?? undefined, variables: m.variables, links: links[i] };
    });
    const { renderer } = this.#o;
    const rendered = renderer.renderMany ? await renderer.renderMany(requests) : await Promise.all(requests.map((r) => renderer.render(r)));
    templated.forEach((i, k) => {
      contents[i] = rendered[k] as Result<RenderedContent, string>;
    });
    return contents;
  }

  /**
   * What is left to check before a job goes out: a lease renewed when the job waited long (so no
   * other worker takes it over mid-send), a channel outage this process saw after the decision
   * (the job waits like the rest), a render that failed (recorded as such). Undefined: not sent.
   */
  async #preflight(job: SendJob): Promise<OutgoingMessage | undefined> {
    const { plan, content, links } = job;
    const m = plan.message;
    const now = this.#o.now();
    if (plan.leaseUntil.getTime() - now.getTime() < this.#o.leaseMs / 2 && !(await this.#renewLease(plan, now))) return undefined;
    const outage = this.#outages.get(plan.configId);
    if (outage && outage.getTime() > now.getTime()) {
      await this.#release(plan, outage);
      return undefined;
    }
    if (!content.ok) {
      await this.#settle(plan, { status: 'failed-permanent', error: `render: ${content.error}` }, job.settings);
      return undefined;
    }
    return {
      id: m.id,
      to: { customerId: m.customer_id, address: plan.address, name: plan.recipient.name, language: content.value.language },
      category: m.category,
      text: content.value.text,
      subject: content.value.subject,
      html: content.value.html,
      url: content.value.url,
      unsubscribeUrl: links?.unsubscribeUrl,
      template: content.value.template,
      // Messenger drivers label the url button with it (bot-api reads metadata.buttonText).
      metadata: { messageId: m.id, ...(content.value.buttonText ? { buttonText: content.value.buttonText } : {}) },
    };
  }

  /** Hands messages of one channel to it: one batch call when it has one, else one call each. */
  async #deliver(ready: readonly { job: SendJob; message: OutgoingMessage }[]): Promise<SendOutcome[]> {
    const first = ready[0];
    if (!first) return [];
    const { channel, configId } = first.job.plan;
    await this.#limiter.take(configId, channel.ratePerSecond, ready.length);
    // Drivers map provider answers to outcomes; a throw is a driver bug or a network error.
    const thrown = (e: unknown): SendOutcome => ({ status: 'failed-retryable', error: e instanceof Error ? e.message : String(e) });
    if (ready.length > 1 && channel.sendMany) {
      const outcomes = await channel.sendMany(ready.map((r) => r.message)).catch((e: unknown) => ready.map(() => thrown(e)));
      if (outcomes.length !== ready.length) throw new Error(`${channel.provider} sendMany answered ${outcomes.length} outcomes for ${ready.length} messages`);
      return outcomes;
    }
    return Promise.all(ready.map((r) => channel.send(r.message).catch(thrown)));
  }

  /** Successes go to the buffer; a failure flushes it first, then is recorded at once. */
  async #settle(plan: SendPlan, outcome: SendOutcome, settings: MessagingSettings): Promise<void> {
    const m = plan.message;
    if (outcome.status === 'sent' || outcome.status === 'delivered') {
      this.#outages.delete(plan.configId);
      this.#successes.push({ messageId: m.id, configId: plan.configId, status: outcome.status, providerMessageId: outcome.providerMessageId ?? null, channel: plan.kind, sentAt: this.#o.now() });
      if (this.#successes.length >= SUCCESS_FLUSH) await this.flush();
      return;
    }
    // Successes first: a success recorded after this failure would close a breaker it opened.
    await this.flush();
    await this.#o.db.transaction().execute((tx) => this.#record(tx, plan, outcome, settings));
  }

  /**
   * Writes the buffered successes (one statement per flush). Flushes run one after another, so a
   * failure that waits for this one is recorded after every success that came before it.
   */
  flush(): Promise<void> {
    const batch = this.#successes.splice(0);
    this.#flushing = this.#flushing.then(() => recordSuccesses(this.#o.db, this.#o.workerId, batch));
    return this.#flushing;
  }

  async #renewLease(plan: SendPlan, now: Date): Promise<boolean> {
    const until = new Date(now.getTime() + this.#o.leaseMs);
    const r = await this.#o.db
      .updateTable('messages')
      .set({ locked_until: until })
      .where('id', '=', plan.message.id)
      .where('status', '=', 'sending')
      .where('locked_by', '=', this.#o.workerId)
      .executeTakeFirst();
    plan.leaseUntil = until;
    return r.numUpdatedRows > 0n;
  }

  /** Gives a reserved message back unsent (its cap slot and attempt too) until the channel's next probe. */
  async #release(plan: SendPlan, until: Date): Promise<void> {
    const m = plan.message;
    await this.#o.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('messages')
        .set({ status: 'queued', reason: 'channel-outage', not_before: until, slot_at: null, attempts: m.attempts - 1, locked_until: null, locked_by: null, updated_at: new Date() })
        .where('id', '=', m.id)
        .where('status', '=', 'sending')
        .where('locked_by', '=', this.#o.workerId)
        .executeTakeFirst();
      if (r.numUpdatedRows) await recordEvent(tx, m.id, 'queued', 'channel-outage', { until: until.toISOString(), channel: plan.kind });
    });
  }

  async #record(tx: Db, plan: SendPlan, outcome: SendOutcome, settings: MessagingSettings): Promise<void> {
    const { message: m } = plan;
    const now = this.#o.now();
    const done = { locked_until: null, locked_by: null, updated_at: new Date() };
    // Only the worker that holds the send writes its outcome (a late answer after our lease ran
    // out belongs to whoever took the message over).
    const mine = (set: Updateable<MessageRow>) =>
      tx.updateTable('messages').set(set).where('id', '=', m.id).where('status', '=', 'sending').where('locked_by', '=', this.#o.workerId);
    switch (outcome.status) {
      case 'sent':
      case 'delivered':
        throw new Error('successes are recorded by flush');
      case 'failed-retryable': {
        const opened = await recordChannelFailure(tx, { workspaceId: m.workspace_id, configId: plan.configId, error: outcome.error, now, threshold: this.#o.breakerThreshold, baseMs: this.#o.breakerBaseMs });
        if (opened) this.#outages.set(plan.configId, opened);
        if (m.attempts >= settings.maxAttempts) {
          const r = await mine({ ...done, status: 'failed', reason: 'retries-exhausted', error: outcome.error, slot_at: null }).executeTakeFirst();
          if (r.numUpdatedRows) await recordEvent(tx, m.id, 'failed', 'retries-exhausted', { error: outcome.error, attempts: m.attempts });
          return;
        }
        const delay = retryDelayMs(m.attempts, { baseMs: this.#o.retryBaseMs, maxMs: this.#o.retryMaxMs, retryAfterMs: outcome.retryAfterMs });
        const until = new Date(now.getTime() + delay);
        const r = await mine({ ...done, status: 'queued', reason: 'retrying', error: outcome.error, slot_at: null, not_before: until }).executeTakeFirst();
        if (r.numUpdatedRows) await recordEvent(tx, m.id, 'queued', 'retrying', { error: outcome.error, attempt: m.attempts, retryAt: until.toISOString() });
        return;
      }
      case 'failed-permanent': {
        const r = await mine({ ...done, status: 'failed', reason: 'provider-rejected', error: outcome.error, slot_at: null }).executeTakeFirst();
        if (r.numUpdatedRows) await recordEvent(tx, m.id, 'failed', 'provider-rejected', { error: outcome.error });
        return;
      }
      case 'suppressed': {
        const r = await mine({ ...done, status: 'suppressed', reason: outcome.reason, error: outcome.error, slot_at: null }).executeTakeFirst();
        if (!r.numUpdatedRows) return;
        await recordEvent(tx, m.id, 'suppressed', outcome.reason, { error: outcome.error, channel: plan.kind });
        await suppress(tx, this.#o.log, { workspaceId: m.workspace_id, customerId: m.customer_id, kind: plan.kind, address: plan.address, reason: outcome.reason, messageId: m.id });
        return;
      }
    }
  }
}

/**
 * Groups jobs into send units, keeping their order: jobs for a channel with a batch call share
 * units of up to its maxBatch (and at most 1/BATCH_SPREAD of that channel's jobs here); every
 * other job is a unit of its own.
 */
export function unitsOf(jobs: readonly SendJob[]): SendUnit[] {
  const perConfig = new Map<string, number>();
  for (const job of jobs) if (batches(job)) perConfig.set(job.plan.configId, (perConfig.get(job.plan.configId) ?? 0) + 1);
  const units: SendJob[][] = [];
  const open = new Map<string, SendJob[]>();
  for (const job of jobs) {
    if (!batches(job)) {
      units.push([job]);
      continue;
    }
    const { configId, channel } = job.plan;
    const size = Math.min(channel.maxBatch ?? 1, Math.max(1, Math.ceil((perConfig.get(configId) ?? 1) / BATCH_SPREAD)));
    let unit = open.get(configId);
    if (!unit || unit.length >= size) {
      unit = [];
      open.set(configId, unit);
      units.push(unit);
    }
    unit.push(job);
  }
  return units;
}

const batches = (job: SendJob) => (job.plan.channel.maxBatch ?? 1) > 1 && typeof job.plan.channel.sendMany === 'function';
