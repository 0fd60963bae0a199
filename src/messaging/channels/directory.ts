import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Channel, ChannelDirectory, ChannelKind } from './channel.ts';
import { driverOf, webhookUrlOf, type ChannelRow, type ChannelStore } from './store.ts';

interface Opened {
  version: number;
  channel: Promise<Channel>;
}

/** How long a replaced channel keeps its connections for sends already under way. */
const RETIRE_AFTER_MS = 30_000;

/**
 * Opens configured channels for the delivery pipeline and the routes. An opened channel (with its
 * pooled SMTP connections, keep-alive sockets …) is cached per process and reused as long as its
 * row's `version` is unchanged; every lookup reads that version first, so an edit made through
 * any process is noticed on the next send.
 */
export class ChannelPool implements ChannelDirectory {
  private readonly opened = new Map<string, Opened>();
  private readonly retiring = new Set<Channel>();
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly store: ChannelStore,
    private readonly log: Logger,
    private readonly publicUrl: string,
  ) {}

  async open(workspaceId: string, kind: ChannelKind): Promise<{ configId: string; channel: Channel } | undefined> {
    const current = await this.db
      .selectFrom('channel_configs')
      .select(['id', 'version'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', kind)
      .where('enabled', '=', true)
      .where('is_default', '=', true)
      .executeTakeFirst();
    return current ? this.reuseOrOpen(workspaceId, current) : undefined;
  }

  async openById(workspaceId: string, configId: string): Promise<{ configId: string; channel: Channel } | undefined> {
    const current = await this.db
      .selectFrom('channel_configs')
      .select(['id', 'version'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', configId)
      .executeTakeFirst();
    return current ? this.reuseOrOpen(workspaceId, current) : undefined;
  }

  async kinds(workspaceId: string): Promise<ChannelKind[]> {
    const rows = await this.db.selectFrom('channel_configs').select('kind').distinct().where('workspace_id', '=', workspaceId).where('enabled', '=', true).orderBy('kind').execute();
    return rows.map((r) => r.kind as ChannelKind);
  }

  /** Drops a deleted channel from the cache (its connections close after the grace period). */
  forget(configId: string): void {
    const entry = this.opened.get(configId);
    if (!entry) return;
    this.opened.delete(configId);
    this.retire(entry);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.opened.values()].map((e) => e.channel.then((c) => c.close()).catch(() => {}));
    this.opened.clear();
    for (const c of this.retiring) all.push(c.close().catch(() => {}));
    this.retiring.clear();
    await Promise.all(all);
  }

  private async reuseOrOpen(workspaceId: string, current: { id: string; version: number }) {
    if (this.closed) throw new Error('the channel pool is closed');
    const cached = this.opened.get(current.id);
    if (cached && cached.version === current.version) return { configId: current.id, channel: await cached.channel };
    if (cached) this.retire(cached);
    // One promise per (config, version): concurrent first sends share one channel and one pool.
    const channel = this.load(workspaceId, current.id);
    this.opened.set(current.id, { version: current.version, channel });
    try {
      return { configId: current.id, channel: await channel };
    } catch (e) {
      if (this.opened.get(current.id)?.channel === channel) this.opened.delete(current.id);
      // Operators see why sends stop in the channel's status (e.g. the master key changed).
      await this.store.setStatus(this.db, workspaceId, current.id, 'failing', (e as Error).message).catch(() => {});
      throw e;
    }
  }

  private async load(workspaceId: string, id: string): Promise<Channel> {
    const row: ChannelRow = await this.store.get(this.db, workspaceId, id);
    const driver = driverOf(row);
    const settings = this.store.settingsOf(row);
    if (!settings.ok) throw new Error(settings.error);
    const parsed = driver.settings.safeParse(settings.value);
    // Stored settings were valid when saved; a driver whose schema changed since needs an edit.
    if (!parsed.success) throw new Error(`channel "${row.name}" has settings the ${driver.provider} driver no longer accepts: ${parsed.error.issues[0]?.message}`);
    const log = this.log.child({ channel: { id: row.id, provider: row.provider } });
    return driver.create(parsed.data, { log, publicUrl: this.publicUrl, webhookUrl: webhookUrlOf(this.publicUrl, row) });
  }

  private retire(entry: Opened): void {
    entry.channel
      .then((channel) => {
        this.retiring.add(channel);
        const timer = setTimeout(() => {
          this.retiring.delete(channel);
          channel.close().catch((e: unknown) => this.log.warn({ err: e }, 'closing a replaced channel failed'));
        }, RETIRE_AFTER_MS);
        timer.unref();
      })
      .catch(() => {});
  }
}
