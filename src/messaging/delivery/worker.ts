import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { PeriodicJob } from '../../platform/jobs/periodic.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelDirectory, ChannelKind } from '../channels/channel.ts';
import type { MessageRenderer, RenderRequest } from '../contracts.ts';
import { decisionGroups } from './batches.ts';
import { addressOf, loadRecipient } from './checks.ts';
import { type ClaimedMessage, decideBatch, lockCustomers, type Message, type SendPlan } from './decide.ts';
import { giveBackWithdrawn, recordEvent } from './outbox.ts';
import { SendQueue } from './send-queue.ts';
import { Sender, type SendUnit, type WithdrawalGroup } from './sender.ts';
import { loadMessagingSettings, type MessagingSettings } from './settings.ts';

/** What one pass reads once: each workspace's settings, each workspace's channel per kind. */
interface Pass {
  settingsOf(workspaceId: string): Promise<MessagingSettings>;
  channels: Pick<ChannelDirectory, 'open'>;
}

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
  readonly #sender: Sender;
  readonly #job: PeriodicJob;

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
    this.#sender = new Sender({ ...this.#o, workerId: this.id, links: options.links });
    // A full batch means more may be due: the next pass follows at once.
    this.#job = new PeriodicJob({ name: 'delivery', log: this.#o.log, everyMs: this.#o.pollMs, pass: async () => (await this.runOnce()) >= this.#o.batchSize });
  }

  start(): void {
    this.#job.start();
  }

  /** Looks for due messages now (coalesces calls made while a pass runs; a full batch runs again). */
  kick(): void {
    this.#job.kick();
  }

  /** Resolves when no pass is running (tests and shutdown). */
  idle(): Promise<void> {
    return this.#job.idle();
  }

  close(): Promise<void> {
    return this.#job.close();
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
      if (plan) for (const unit of await this.#sender.prepare([plan], settings)) await this.#sender.sendUnit(unit);
    });
    let handled = expired.length;
    const queue = new SendQueue<SendUnit>((unit) => unit.length);
    let lastGroup: WithdrawalGroup | undefined;
    const produce = async () => {
      try {
        for (let more = !this.#job.closed; more; ) {
          const { claimed, batches } = await this.#decideNext(pass);
          handled += claimed;
          for (const { settings, plans } of batches) {
            const units = await this.#sender.prepare(plans, settings);
            const first = units[0]?.[0]?.group;
            if (!first) continue;
            // Withdrawal checks chain across chunks; lanes already waiting need this one's now.
            if (lastGroup) lastGroup.next = first;
            if (queue.size === 0) void this.#sender.withdrawn(first).catch(() => undefined);
            lastGroup = lastGroupOf(units);
            queue.push(units);
          }
          more = claimed >= this.#decisionChunk && handled < this.#o.batchSize && !this.#job.closed;
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
      for (let unit = await queue.take(); unit; unit = await queue.take()) {
        try {
          await this.#sender.sendUnit(unit);
        } catch (e) {
          this.#o.log.error({ err: e, messageIds: unit.map((job) => job.id) }, 'delivery of a message failed');
        }
      }
    };
    await Promise.all([produce(), ...Array.from({ length: Math.max(1, this.#o.concurrency) }, lane)]);
    await this.#sender.flush();
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
      // The claim must walk messages_claim in its order and stop after a chunk. With statistics
      // from before a large enqueue (a broadcast of 100,000 into a table the last ANALYZE saw
      // empty or all sent), the planner expects a few hundred due rows and prefers a bitmap scan
      // and a sort of every due message: 50 ms a claim at 100,000 queued, against 1 ms. Sorting
      // is therefore ruled out for this one statement.
      await sql`set local enable_sort = off`.execute(tx);
      const claimed = await sql<ClaimedMessage>`
        select id, workspace_id, customer_id from messages
         where status in ('queued', 'scheduled') and not_before <= ${now} and (locked_until is null or locked_until < ${now})
         order by priority desc, not_before
         limit ${this.#decisionChunk}
           for update skip locked`.execute(tx);
      await sql`set local enable_sort to default`.execute(tx);
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
      while (next < items.length && !this.#job.closed) {
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

}

/** A chunk's last withdrawal group in job order (units may reorder jobs): the one not chained yet. */
function lastGroupOf(units: readonly SendUnit[]): WithdrawalGroup {
  for (const unit of units) for (const job of unit) if (!job.group.next) return job.group;
  throw new Error('a chunk without withdrawal groups');
}
