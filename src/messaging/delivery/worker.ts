import { randomUUID } from 'node:crypto';
import { sql, type Updateable } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelDirectory, ChannelKind, SendOutcome } from '../channels/channel.ts';
import type { MessageRenderer, RenderedContent, RenderRequest } from '../contracts.ts';
import type { Result } from '../../platform/result.ts';
import { decisionGroups } from './batches.ts';
import { addressOf, loadRecipient } from './checks.ts';
import { type ClaimedMessage, decideBatch, lockCustomers, type Message, type SendPlan } from './decide.ts';
import { giveBackWithdrawn, recordEvent } from './outbox.ts';
import { recordChannelFailure, recordSuccesses, type Success, suppress } from './outcomes.ts';
import { retryDelayMs } from './policy.ts';
import { InlineRenderer } from './inline.ts';
import { RateLimiter } from './rate-limiter.ts';
import { SendQueue } from './send-queue.ts';
import type { MessageRow } from './tables.ts';
import { loadMessagingSettings, type MessagingSettings } from './settings.ts';

/** A decided, rendered message waiting for a send lane. */
interface SendJob {
  id: string;
  plan: SendPlan;
  links: RenderRequest['links'];
  content: Result<RenderedContent, string>;
  settings: MessagingSettings;
  group: WithdrawalGroup;
}

/** Consecutive jobs checked for withdrawal with one query (see #prepare). */
interface WithdrawalGroup {
  ids: string[];
  checked?: Promise<Set<string>>;
  next?: WithdrawalGroup;
}

/** What one pass reads once: each workspace's settings, each workspace's channel per kind. */
interface Pass {
  settingsOf(workspaceId: string): Promise<MessagingSettings>;
  channels: Pick<ChannelDirectory, 'open'>;
}

/** Successes recorded per statement (a crash before a flush re-sends them with the same key). */
const SUCCESS_FLUSH = 200;

export interface DeliveryWorkerOptions {
  db: Db;
  log: Logger;
  channels: ChannelDirectory;
  renderer: MessageRenderer;
  /** The clock (tests inject one); every time the worker compares or stores comes from it. */
  now?: () => Date;
  workerId?: string;
  /** How often to look for due messages when not kicked; 0: only when kicked (tests). */
  pollMs?: number;
  batchSize?: number;
  /** Messages in flight at once in this process. */
  concurrency?: number;
  /** How long a claim or a send may take before another worker takes the message over. */
  leaseMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Consecutive retryable failures that open a channel's breaker, and its first probe delay. */
  breakerThreshold?: number;
  breakerBaseMs?: number;
  /** How long a message waits for a higher-priority one to take a last cap slot. */
  yieldMs?: number;
  /** Per-delivery links (unsubscribe, preferences) built by the preference page. */
  links?: (m: { workspaceId: string; customerId: string; messageId: string; channel: ChannelKind; topic?: string | null }) => RenderRequest['links'];
}

/**
 * The outbox worker. Any number of processes may run it: claims use `FOR UPDATE SKIP LOCKED` with
 * a lease, decisions hold a per-customer advisory lock, and every fact lives in PostgreSQL.
 *
 * Delivery guarantee: a message is handed to its channel once per attempt, with the message id as
 * the idempotency key. If a worker dies after handing it over but before recording the answer, the
 * lease expires and another worker sends again with the SAME key: providers that deduplicate on
 * it deliver exactly once; others may deliver twice in that window (at-least-once).
 */
export class DeliveryWorker {
  readonly id: string;
  readonly #o: Required<Omit<DeliveryWorkerOptions, 'links' | 'workerId'>> & Pick<DeliveryWorkerOptions, 'links'>;
  readonly #limiter = new RateLimiter();
  readonly #inline: InlineRenderer;
  /** Sends accepted but not yet recorded (flushed every SUCCESS_FLUSH, before any failure, and at the end of a pass). */
  readonly #successes: Success[] = [];
  #flushing: Promise<void> = Promise.resolve();
  /** Breakers this process opened: config id → next probe. Plans decided before they opened wait instead of sending. */
  readonly #outages = new Map<string, Date>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #again = false;
  #closed = false;

  constructor(options: DeliveryWorkerOptions) {
    this.id = options.workerId ?? `worker-${randomUUID()}`;
    this.#o = {
      now: () => new Date(),
      pollMs: 1000,
      batchSize: 100,
      concurrency: 4,
      leaseMs: 60_000,
      retryBaseMs: 30_000,
      retryMaxMs: 3_600_000,
      breakerThreshold: 5,
      breakerBaseMs: 30_000,
      yieldMs: 2000,
      ...options,
    };
    this.#inline = new InlineRenderer(options.db);
  }

  start(): void {
    if (this.#o.pollMs > 0) this.#timer = setInterval(() => this.kick(), this.#o.pollMs);
    this.kick();
  }

  /** Looks for due messages now (coalesces calls made while a pass runs; a full batch runs again). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.runOnce()
      .catch((e: unknown) => {
        this.#o.log.error({ err: e }, 'delivery pass failed');
        return 0;
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again && !this.#closed) {
          this.#again = false;
          this.kick();
        }
      });
    void this.#running.then((n) => {
      if (n >= this.#o.batchSize) this.kick();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    while (this.#running) await this.#running;
  }

  /** Passes until nothing is due (tests, and a one-shot CLI run). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  /**
   * Handles up to `batchSize` messages; returns how many were claimed. Leases that ran out are
   * resumed one by one (rare); due messages are claimed and decided in chunks, each in one
   * transaction of a handful of round trips, rendered, and queued for the send lanes, which keep
   * sending while the next chunk is decided.
   */
  async runOnce(): Promise<number> {
    const expired = await this.#claimExpired(this.#o.now());
    const pass = this.#pass();
    await this.#lanes(expired, async (m) => {
      if ((await giveBackWithdrawn(this.#o.db, this.id, [m.id])).size) return;
      const settings = await pass.settingsOf(m.workspace_id);
      const plan = await this.#o.db.transaction().execute((tx) => this.#resume(tx, m, settings));
      if (plan) await this.#lanes(await this.#prepare([plan], settings), (job) => this.#sendJob(job));
    });
    let handled = expired.length;
    const queue = new SendQueue<SendJob>();
    let lastGroup: WithdrawalGroup | undefined;
    const produce = async () => {
      try {
        for (let more = !this.#closed; more; ) {
          const { claimed, batches } = await this.#decideNext(pass);
          handled += claimed;
          for (const { settings, plans } of batches) {
            const jobs = await this.#prepare(plans, settings);
            const first = jobs[0]?.group;
            if (!first) continue;
            // Withdrawal checks chain across chunks; lanes already waiting need this one's now.
            if (lastGroup) lastGroup.next = first;
            if (queue.size === 0) void this.#withdrawn(first).catch(() => undefined);
            lastGroup = (jobs.at(-1) as SendJob).group;
            queue.push(jobs);
          }
          more = claimed >= this.#decisionChunk && handled < this.#o.batchSize && !this.#closed;
          // At most one chunk waits while the next is decided: the lanes never run dry, and no
          // decided message waits long enough for its lease to matter.
          if (more) await queue.waitBelow(this.#decisionChunk);
        }
      } catch (e) {
        // A bug or a lost database: a chunk not decided wrote nothing and is claimed again;
        // decided but unsent messages are resumed when their lease runs out.
        this.#o.log.error({ err: e }, 'delivery decisions failed');
      } finally {
        queue.close();
      }
    };
    const lane = async () => {
      for (let job = await queue.take(); job; job = await queue.take()) {
        try {
          await this.#sendJob(job);
        } catch (e) {
          this.#o.log.error({ err: e, messageId: job.id }, 'delivery of a message failed');
        }
      }
    };
    await Promise.all([produce(), ...Array.from({ length: Math.max(1, this.#o.concurrency) }, lane)]);
    await this.#flush();
    return handled;
  }

  /**
   * One transaction: claims due messages (row locks, SKIP LOCKED: other workers take others),
   * then decides them per workspace. The row locks are the claim, so a claimed message costs no
   * lease write; a customer's second message is left for the next claim (see decisionGroups).
   */
  #decideNext(pass: Pass): Promise<{ claimed: number; batches: { settings: MessagingSettings; plans: SendPlan[] }[] }> {
    return this.#o.db.transaction().execute(async (tx) => {
      const now = this.#o.now();
      const claimed = await sql<ClaimedMessage>`
        select id, workspace_id, customer_id from messages
         where status in ('queued', 'scheduled') and not_before <= ${now} and (locked_until is null or locked_until < ${now})
         order by priority desc, not_before
         limit ${this.#decisionChunk}
           for update skip locked`.execute(tx);
      const batches: { settings: MessagingSettings; plans: SendPlan[] }[] = [];
      for (const group of decisionGroups(claimed.rows).groups) {
        const settings = await pass.settingsOf((group[0] as ClaimedMessage).workspace_id);
        const ctx = { workerId: this.id, channels: pass.channels, settings, now, leaseMs: this.#o.leaseMs, yieldMs: this.#o.yieldMs, breakerBaseMs: this.#o.breakerBaseMs };
        batches.push({ settings, plans: await decideBatch(tx, group, ctx) });
      }
      return { claimed: claimed.rows.length, batches };
    });
  }

  /** Per pass: each workspace's settings read once, and its channels opened once per kind. */
  #pass(): Pass {
    const settings = new Map<string, Promise<MessagingSettings>>();
    const settingsOf = (ws: string) => {
      const known = settings.get(ws);
      if (known) return known;
      const loading = loadMessagingSettings(this.#o.db, ws);
      settings.set(ws, loading);
      return loading;
    };
    // A channel disabled or changed mid-pass is seen by the next pass (at most one batch later).
    const opened = new Map<string, ReturnType<ChannelDirectory['open']>>();
    const channels: Pick<ChannelDirectory, 'open'> = {
      open: (workspaceId, kind) => {
        const key = `${workspaceId} ${kind}`;
        let known = opened.get(key);
        if (!known) {
          known = this.#o.channels.open(workspaceId, kind);
          opened.set(key, known);
        }
        return known;
      },
    };
    return { settingsOf, channels };
  }

  /** Runs `work` over `items` with at most `concurrency` at once; a throw is logged, not fatal. */
  async #lanes<T extends { id: string }>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < items.length && !this.#closed) {
        const index = next++;
        const item = items[index] as T;
        try {
          await work(item, index);
        } catch (e) {
          // A bug or a lost database: the lease runs out and another pass retries the message.
          this.#o.log.error({ err: e, messageId: item.id }, 'delivery of a message failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, items.length) }, lane));
  }

  /** How many messages one decision transaction claims: enough to amortise it, few enough to send within the lease. */
  get #decisionChunk(): number {
    return Math.max(1, Math.min(this.#o.batchSize, Math.max(50, this.#o.concurrency * 8)));
  }

  /** Sends whose worker died: the outcome is unknown, so they go again with the same key. */
  async #claimExpired(now: Date): Promise<Message[]> {
    const until = new Date(now.getTime() + this.#o.leaseMs);
    const r = await sql<Message>`
      update messages set locked_until = ${until}, locked_by = ${this.id}
       where id in (select id from messages where status = 'sending' and locked_until < ${now}
                     order by locked_until limit ${this.#o.batchSize} for update skip locked)
      returning *`.execute(this.#o.db);
    return r.rows;
  }

  /** A lease that ran out mid-send: send again on the same channel with the same key. */
  async #resume(tx: Db, claimed: Message, settings: MessagingSettings): Promise<SendPlan | undefined> {
    await lockCustomers(tx, [claimed.customer_id]);
    const m = (await tx.selectFrom('messages').selectAll().where('id', '=', claimed.id).forUpdate().executeTakeFirst()) as Message | undefined;
    if (!m || m.locked_by !== this.id || m.status !== 'sending') return undefined;
    const now = this.#o.now();
    const kind = m.channel as ChannelKind;
    const recipient = await loadRecipient(tx, m.workspace_id, m.customer_id, m.template_id);
    const address = recipient && addressOf(kind, recipient);
    const opened = address ? await this.#o.channels.open(m.workspace_id, kind) : undefined;
    if (m.attempts >= settings.maxAttempts || !recipient || !address || !opened) {
      const reason = m.attempts >= settings.maxAttempts ? 'unknown-outcome' : 'resume-impossible';
      await tx.updateTable('messages').set({ status: 'failed', reason, slot_at: null, locked_until: null, locked_by: null, updated_at: new Date() }).where('id', '=', m.id).execute();
      await recordEvent(tx, m.id, 'failed', reason, { channel: kind });
      return undefined;
    }
    const leaseUntil = new Date(now.getTime() + this.#o.leaseMs);
    await tx
      .updateTable('messages')
      .set({ attempts: m.attempts + 1, locked_until: leaseUntil, config_id: opened.configId, address, updated_at: new Date() })
      .where('id', '=', m.id)
      .execute();
    await recordEvent(tx, m.id, 'sending', 'lease-expired', { channel: kind, attempt: m.attempts + 1, sameKey: m.id });
    return { message: { ...m, attempts: m.attempts + 1 }, kind, address, configId: opened.configId, channel: opened.channel, recipient, leaseUntil };
  }

  /** Renders a chunk's plans (one customer query per template where the renderer batches), then sends them. */
  /**
   * Renders a chunk's plans (one customer query per template where the renderer batches) into
   * send jobs. Consecutive jobs form groups of as many as run at once: before a group's sends one
   * query gives back the messages their owner withdrew meanwhile (a broadcast paused or
   * cancelled), and those are not sent.
   */
  async #prepare(plans: readonly SendPlan[], settings: MessagingSettings): Promise<SendJob[]> {
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
    return jobs;
  }

  async #sendJob(job: SendJob): Promise<void> {
    if ((await this.#withdrawn(job.group)).has(job.id)) return;
    await this.#send(job.plan, job.content, job.links, job.settings);
    // The next group's check starts when a send of this group is done: ready when the lanes need
    // it, and still after every send of the groups before it began.
    if (job.group.next) void this.#withdrawn(job.group.next).catch(() => undefined);
  }

  #withdrawn(group: WithdrawalGroup): Promise<Set<string>> {
    group.checked ??= giveBackWithdrawn(this.#o.db, this.id, group.ids);
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

  async #send(plan: SendPlan, content: Result<RenderedContent, string>, links: RenderRequest['links'], settings: MessagingSettings): Promise<void> {
    const { message: m, kind, channel } = plan;
    // Decided in this chunk while an earlier one was still sending: a late send renews its lease
    // first, so that no other worker takes the message over mid-send.
    const now = this.#o.now();
    if (plan.leaseUntil.getTime() - now.getTime() < this.#o.leaseMs / 2 && !(await this.#renewLease(plan, now))) return;
    // This process saw the channel's breaker open after the chunk was decided: wait like the rest.
    const outage = this.#outages.get(plan.configId);
    if (outage && outage.getTime() > now.getTime()) return this.#release(plan, outage);
    let outcome: SendOutcome;
    if (!content.ok) {
      outcome = { status: 'failed-permanent', error: `render: ${content.error}` };
    } else {
      await this.#limiter.take(plan.configId, channel.ratePerSecond);
      try {
        outcome = await channel.send({
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
        });
      } catch (e) {
        // Drivers map provider answers to outcomes; a throw is a driver bug or a network error.
        outcome = { status: 'failed-retryable', error: e instanceof Error ? e.message : String(e) };
      }
    }
    if (outcome.status === 'sent' || outcome.status === 'delivered') {
      this.#outages.delete(plan.configId);
      this.#successes.push({ messageId: m.id, configId: plan.configId, status: outcome.status, providerMessageId: outcome.providerMessageId ?? null, channel: kind, sentAt: this.#o.now() });
      if (this.#successes.length >= SUCCESS_FLUSH) await this.#flush();
      return;
    }
    // Successes first: a success recorded after this failure would close a breaker it opened.
    await this.#flush();
    await this.#o.db.transaction().execute((tx) => this.#record(tx, plan, outcome, settings));
  }

  /**
   * Writes the buffered successes (one statement per flush). Flushes run one after another, so a
   * failure that waits for this one is recorded after every success that came before it.
   */
  #flush(): Promise<void> {
    const batch = this.#successes.splice(0);
    this.#flushing = this.#flushing.then(() => recordSuccesses(this.#o.db, this.id, batch));
    return this.#flushing;
  }

  async #renewLease(plan: SendPlan, now: Date): Promise<boolean> {
    const until = new Date(now.getTime() + this.#o.leaseMs);
    const r = await this.#o.db
      .updateTable('messages')
      .set({ locked_until: until })
      .where('id', '=', plan.message.id)
      .where('status', '=', 'sending')
      .where('locked_by', '=', this.id)
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
        .where('locked_by', '=', this.id)
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
      tx.updateTable('messages').set(set).where('id', '=', m.id).where('status', '=', 'sending').where('locked_by', '=', this.id);
    switch (outcome.status) {
      case 'sent':
      case 'delivered':
        throw new Error('successes are recorded by #flush');
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
