import { randomUUID } from 'node:crypto';
import { sql, type Updateable } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelDirectory, ChannelKind, SendOutcome } from '../channels/channel.ts';
import type { MessageRenderer, RenderRequest } from '../contracts.ts';
import { addressOf, loadRecipient } from './checks.ts';
import { decide, lockCustomer, type Message, type SendPlan } from './decide.ts';
import { recordEvent } from './outbox.ts';
import { recordChannelFailure, suppress } from './outcomes.ts';
import { retryDelayMs } from './policy.ts';
import { InlineRenderer } from './inline.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { MessageRow } from './tables.ts';
import { loadMessagingSettings, type MessagingSettings } from './settings.ts';

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

  /** Claims one batch and handles it; returns how many messages were claimed. */
  async runOnce(): Promise<number> {
    const now = this.#o.now();
    const claimed = [...(await this.#claimExpired(now)), ...(await this.#claimDue(now))];
    const settings = new Map<string, Promise<MessagingSettings>>();
    const settingsOf = (ws: string) => {
      const known = settings.get(ws);
      if (known) return known;
      const loading = loadMessagingSettings(this.#o.db, ws);
      settings.set(ws, loading);
      return loading;
    };
    // One lookup of each workspace's channel per kind per pass, not one per message: a channel
    // disabled or changed mid-pass is seen by the next pass (at most one batch later).
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
    let next = 0;
    const lane = async () => {
      while (next < claimed.length && !this.#closed) {
        const m = claimed[next++] as Message;
        try {
          await this.#handle(m, await settingsOf(m.workspace_id), channels);
        } catch (e) {
          // A bug or a lost database: the lease runs out and another pass retries the message.
          this.#o.log.error({ err: e, messageId: m.id }, 'delivery of a message failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, claimed.length) }, lane));
    return claimed.length;
  }

  async #claimDue(now: Date): Promise<Message[]> {
    const until = new Date(now.getTime() + this.#o.leaseMs);
    const r = await sql<Message>`
      update messages set locked_until = ${until}, locked_by = ${this.id}
       where id in (select id from messages
                     where status in ('queued', 'scheduled') and not_before <= ${now}
                       and (locked_until is null or locked_until < ${now})
                     order by priority desc, not_before
                     limit ${this.#o.batchSize}
                     for update skip locked)
      returning *`.execute(this.#o.db);
    return r.rows.sort((a, b) => b.priority - a.priority || a.not_before.getTime() - b.not_before.getTime());
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

  async #handle(m: Message, settings: MessagingSettings, channels: Pick<ChannelDirectory, 'open'>): Promise<void> {
    const now = this.#o.now();
    const plan =
      m.status === 'sending'
        ? await this.#o.db.transaction().execute((tx) => this.#resume(tx, m, settings))
        : await this.#o.db.transaction().execute((tx) =>
            decide(tx, m, { workerId: this.id, channels, settings, now, leaseMs: this.#o.leaseMs, yieldMs: this.#o.yieldMs, breakerBaseMs: this.#o.breakerBaseMs }),
          );
    if (plan) await this.#send(plan, settings);
  }

  /** A lease that ran out mid-send: send again on the same channel with the same key. */
  async #resume(tx: Db, claimed: Message, settings: MessagingSettings): Promise<SendPlan | undefined> {
    await lockCustomer(tx, claimed.customer_id);
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
    await tx
      .updateTable('messages')
      .set({ attempts: m.attempts + 1, locked_until: new Date(now.getTime() + this.#o.leaseMs), config_id: opened.configId, address, updated_at: new Date() })
      .where('id', '=', m.id)
      .execute();
    await recordEvent(tx, m.id, 'sending', 'lease-expired', { channel: kind, attempt: m.attempts + 1, sameKey: m.id });
    return { message: { ...m, attempts: m.attempts + 1 }, kind, address, configId: opened.configId, channel: opened.channel, recipient };
  }

  async #send(plan: SendPlan, settings: MessagingSettings): Promise<void> {
    const { message: m, kind, channel } = plan;
    // A template's topic goes into the links: one click then leaves that topic, not the whole channel.
    const links = this.#o.links?.({ workspaceId: m.workspace_id, customerId: m.customer_id, messageId: m.id, channel: kind, topic: plan.recipient.topic });
    let outcome: SendOutcome;
    const content = m.template_id
      ? await this.#o.renderer.render({
          workspaceId: m.workspace_id,
          customerId: m.customer_id,
          templateId: m.template_id,
          channel: kind,
          language: m.language ?? plan.recipient.language ?? undefined,
          variables: m.variables,
          links,
        })
      : m.content
        ? await this.#inline.render({
            workspaceId: m.workspace_id,
            customerId: m.customer_id,
            content: m.content,
            language: m.language ?? plan.recipient.language ?? undefined,
            variables: m.variables,
            links,
          })
        : { ok: false as const, error: 'the message has neither a template nor content' };
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
    if (outcome.status === 'sent' || outcome.status === 'delivered') await this.#recordSuccess(plan, outcome.status, outcome.providerMessageId);
    else await this.#o.db.transaction().execute((tx) => this.#record(tx, plan, outcome, settings));
  }

  /**
   * The common case in one atomic statement (one round trip instead of a five-statement
   * transaction): the status, its history line, and the channel's breaker cleared.
   */
  async #recordSuccess(plan: SendPlan, status: 'sent' | 'delivered', providerMessageId: string | undefined): Promise<void> {
    const detail = JSON.stringify({ channel: plan.kind, providerMessageId: providerMessageId ?? null });
    await sql`
      with done as (
        update messages set status = ${status}, provider_message_id = ${providerMessageId ?? null}, sent_at = ${this.#o.now()}, error = null,
                            locked_until = null, locked_by = null, updated_at = clock_timestamp()
         where id = ${plan.message.id} and status = 'sending' and locked_by = ${this.id}
        returning id),
      history as (insert into message_events (message_id, status, detail) select id, ${status}, ${detail}::jsonb from done)
      delete from channel_breakers where config_id = ${plan.configId} and exists (select 1 from done)`.execute(this.#o.db);
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
        throw new Error('successes are recorded by #recordSuccess');
      case 'failed-retryable': {
        await recordChannelFailure(tx, { workspaceId: m.workspace_id, configId: plan.configId, error: outcome.error, now, threshold: this.#o.breakerThreshold, baseMs: this.#o.breakerBaseMs });
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
