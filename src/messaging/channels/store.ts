import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../database.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { err, ok, type Result } from '../../platform/result.ts';
import type { Keyring } from '../../platform/secrets.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import type { ChannelDriver, ChannelKind } from './channel.ts';
import { findDriver } from './drivers.ts';
import type { ChannelStatus, ChannelTables } from './tables.ts';

export type ChannelRow = Selectable<ChannelTables['channel_configs']>;

/** What the API shows of a configured channel: secrets only as `{ set }`. */
export interface ChannelView {
  id: string;
  kind: string;
  provider: string;
  name: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  isDefault: boolean;
  status: ChannelStatus;
  statusMessage: string | null;
  statusAt: string | null;
  /** Present only for callers who manage channels: the token in it authenticates the provider. */
  webhookUrl?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ChannelInput {
  provider: string;
  name: string;
  settings: Record<string, unknown>;
  enabled?: boolean | undefined;
  isDefault?: boolean | undefined;
}

export interface ChannelPatch {
  name?: string | undefined;
  /** Changed fields only; an omitted secret keeps its stored value, `null` clears a field. */
  settings?: Record<string, unknown> | undefined;
  enabled?: boolean | undefined;
  isDefault?: boolean | undefined;
}

/** The associated data that binds sealed secrets to their row (a copied ciphertext does not open). */
const sealedFor = (row: { id: string; workspace_id: string }) => `channel_configs:${row.workspace_id}:${row.id}`;

export function webhookUrlOf(publicUrl: string, row: { id: string; webhook_token: string }): string {
  return `${publicUrl}/hooks/channels/${row.id}/${row.webhook_token}`;
}

export function driverOf(row: { provider: string }): ChannelDriver {
  const driver = findDriver(row.provider);
  // A row whose driver left the code base is a deployment bug, not bad input.
  if (!driver) throw new Error(`no channel driver "${row.provider}" is installed`);
  return driver;
}

/**
 * Configured channels of a workspace: validation against the driver's settings schema, secrets
 * sealed at rest, and the rule "exactly one default per kind among the enabled channels".
 */
export class ChannelStore {
  constructor(
    private readonly keyring: Keyring,
    private readonly publicUrl: string,
  ) {}

  view(row: ChannelRow, withWebhookUrl: boolean): ChannelView {
    const driver = findDriver(row.provider);
    const stored = this.storedSecretNames(row);
    const secrets = Object.fromEntries((driver?.secrets ?? []).map((name) => [name, { set: stored.includes(name) }]));
    return {
      id: row.id,
      kind: row.kind,
      provider: row.provider,
      name: row.name,
      settings: { ...row.settings, ...secrets },
      enabled: row.enabled,
      isDefault: row.is_default,
      status: row.status,
      statusMessage: row.status_message,
      statusAt: row.status_at?.toISOString() ?? null,
      ...(withWebhookUrl ? { webhookUrl: webhookUrlOf(this.publicUrl, row) } : {}),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async list(db: Db, workspaceId: string, kind?: string): Promise<ChannelRow[]> {
    let query = db.selectFrom('channel_configs').selectAll().where('workspace_id', '=', workspaceId);
    if (kind) query = query.where('kind', '=', kind);
    return query.orderBy('kind').orderBy('created_at').orderBy('id').execute();
  }

  async get(db: Db, workspaceId: string, id: string): Promise<ChannelRow> {
    const row = await db.selectFrom('channel_configs').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Channel');
    return row;
  }

  /** The driver's full settings (secrets opened), as the driver's `create` takes them. */
  settingsOf(row: ChannelRow): Result<Record<string, unknown>, string> {
    const secrets = this.openSecrets(row);
    if (!secrets.ok) return secrets;
    return ok({ ...row.settings, ...secrets.value });
  }

  async create(tx: Db, actor: Actor, input: ChannelInput): Promise<ChannelRow> {
    const driver = findDriver(input.provider);
    if (!driver) throw invalid('provider', `unknown provider "${input.provider}"`);
    const id = randomUUID();
    const workspaceId = actor.workspaceId;
    const parsed = parseSettings(driver, input.settings);
    await lockKind(tx, workspaceId, driver.kind);
    const enabled = input.enabled ?? true;
    if (input.isDefault && !enabled) throw invalid('isDefault', 'a disabled channel cannot be the default');
    const hasDefault = await this.defaultOf(tx, workspaceId, driver.kind);
    const isDefault = enabled && (input.isDefault === true || !hasDefault);
    if (isDefault) await clearDefault(tx, workspaceId, driver.kind);
    const { settings, secrets } = split(driver, parsed);
    const row = await insertOrConflict(() =>
      tx
        .insertInto('channel_configs')
        .values({
          id,
          workspace_id: workspaceId,
          kind: driver.kind,
          provider: driver.provider,
          name: input.name,
          settings: JSON.stringify(settings),
          secrets: this.seal({ id, workspace_id: workspaceId }, secrets),
          enabled,
          is_default: isDefault,
          webhook_token: randomBytes(24).toString('base64url'),
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    await recordAudit(tx, actor, { action: 'channel.created', targetType: 'channel', targetId: id, changes: { provider: driver.provider, name: input.name, fields: Object.keys(parsed) } });
    return row;
  }

  async update(tx: Db, actor: Actor, id: string, patch: ChannelPatch): Promise<ChannelRow> {
    const workspaceId = actor.workspaceId;
    const current = await this.get(tx, workspaceId, id);
    await lockKind(tx, workspaceId, current.kind);
    const row = await tx.selectFrom('channel_configs').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    const driver = driverOf(row);
    const changes: Record<string, unknown> = {};
    let settings = row.settings;
    let sealed = row.secrets;
    if (patch.settings) {
      const opened = this.openSecrets(row);
      // Secrets that no longer open (key lost) must be entered again; the others stay as they were.
      const merged: Record<string, unknown> = { ...row.settings, ...(opened.ok ? opened.value : {}) };
      for (const [key, value] of Object.entries(patch.settings)) {
        if (driver.secrets.includes(key) && (value === undefined || isSetMarker(value))) continue;
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      const next = split(driver, parseSettings(driver, merged));
      settings = next.settings;
      sealed = this.seal(row, next.secrets);
      changes.fields = Object.keys(patch.settings);
    }
    const enabled = patch.enabled ?? row.enabled;
    if (patch.isDefault === true && !enabled) throw invalid('isDefault', 'a disabled channel cannot be the default');
    const isDefault = enabled && (patch.isDefault ?? row.is_default);
    if (isDefault && !row.is_default) await clearDefault(tx, workspaceId, row.kind);
    // "Exactly one default": un-setting it hands the role to the oldest other enabled channel.
    const successor = row.is_default && !isDefault ? await this.firstEnabled(tx, workspaceId, row.kind, row.id) : undefined;
    if (patch.isDefault === false && enabled && !successor) {
      throw invalid('isDefault', 'this is the only enabled channel of its kind, so it stays the default');
    }
    for (const key of ['name', 'enabled', 'isDefault'] as const) if (patch[key] !== undefined) changes[key] = patch[key];
    const updated = await insertOrConflict(() =>
      tx
        .updateTable('channel_configs')
        .set({
          name: patch.name ?? row.name,
          settings: JSON.stringify(settings),
          secrets: sealed,
          enabled,
          is_default: isDefault,
          // New credentials have not been checked yet.
          ...(patch.settings ? { status: 'unverified' as const, status_message: null, status_at: null } : {}),
          version: row.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    if (successor) await tx.updateTable('channel_configs').set({ is_default: true }).where('id', '=', successor.id).execute();
    await this.ensureDefault(tx, workspaceId, row.kind);
    await recordAudit(tx, actor, { action: 'channel.updated', targetType: 'channel', targetId: id, changes });
    return (await tx.selectFrom('channel_configs').selectAll().where('id', '=', updated.id).executeTakeFirstOrThrow());
  }

  async remove(tx: Db, actor: Actor, id: string): Promise<void> {
    const row = await this.get(tx, actor.workspaceId, id);
    await lockKind(tx, actor.workspaceId, row.kind);
    await tx.deleteFrom('channel_configs').where('id', '=', id).execute();
    await this.ensureDefault(tx, actor.workspaceId, row.kind);
    await recordAudit(tx, actor, { action: 'channel.deleted', targetType: 'channel', targetId: id, changes: { provider: row.provider, name: row.name } });
  }

  /** Records what the provider said about the credentials; not a settings change (no version bump). */
  async setStatus(db: Db, workspaceId: string, id: string, status: ChannelStatus, message: string | null): Promise<ChannelRow> {
    const row = await db
      .updateTable('channel_configs')
      .set({ status, status_message: message?.slice(0, 2000) ?? null, status_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Channel');
    return row;
  }

  private seal(row: { id: string; workspace_id: string }, secrets: Record<string, unknown>): string | null {
    return Object.keys(secrets).length ? this.keyring.seal(JSON.stringify(secrets), sealedFor(row)) : null;
  }

  private openSecrets(row: ChannelRow): Result<Record<string, unknown>, string> {
    if (!row.secrets) return ok({});
    const opened = this.keyring.open(row.secrets, sealedFor(row));
    if (!opened.ok) return err(`stored credentials of channel "${row.name}" do not open: ${opened.error}`);
    return ok(JSON.parse(opened.value) as Record<string, unknown>);
  }

  /** Names of the secrets stored for a row; read from the sealed JSON only when needed for the view. */
  private storedSecretNames(row: ChannelRow): string[] {
    const opened = this.openSecrets(row);
    return opened.ok ? Object.keys(opened.value) : [];
  }

  private async defaultOf(db: Db, workspaceId: string, kind: string) {
    return db.selectFrom('channel_configs').select('id').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('is_default', '=', true).executeTakeFirst();
  }

  private async firstEnabled(db: Db, workspaceId: string, kind: string, except?: string) {
    let query = db.selectFrom('channel_configs').select('id').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('enabled', '=', true);
    if (except) query = query.where('id', '!=', except);
    return query.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  }

  /** After a disable, delete or un-default: the oldest enabled channel of the kind becomes the default. */
  private async ensureDefault(db: Db, workspaceId: string, kind: string): Promise<void> {
    if (await this.defaultOf(db, workspaceId, kind)) return;
    const next = await this.firstEnabled(db, workspaceId, kind);
    if (next) await db.updateTable('channel_configs').set({ is_default: true }).where('id', '=', next.id).execute();
  }
}

const isSetMarker = (v: unknown) => typeof v === 'object' && v !== null && 'set' in v && Object.keys(v).length === 1;

/** Validates what an admin entered against the driver's schema; the error names `settings.<field>`. */
export function parseSettings(driver: ChannelDriver, input: Record<string, unknown>): Record<string, unknown> {
  const parsed = driver.settings.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const extra = issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
    const field = ['settings', ...(issue?.path ?? []).map(String), ...extra].join('.');
    throw invalid(field, `${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as Record<string, unknown>;
}

function split(driver: ChannelDriver, all: Record<string, unknown>) {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (value === undefined) continue;
    (driver.secrets.includes(key) ? secrets : settings)[key] = value;
  }
  return { settings, secrets };
}

/** Serialises default bookkeeping of one (workspace, kind) across concurrent requests. */
async function lockKind(tx: Db, workspaceId: string, kind: ChannelKind | string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`channels:${workspaceId}:${kind}`}))`.execute(tx);
}

async function clearDefault(tx: Db, workspaceId: string, kind: string): Promise<void> {
  await tx.updateTable('channel_configs').set({ is_default: false }).where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('is_default', '=', true).execute();
}

async function insertOrConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if ((e as { code?: string; constraint?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'channel_configs_workspace_id_name_key') {
      throw conflict('A channel with this name already exists', 'name');
    }
    throw e;
  }
}
