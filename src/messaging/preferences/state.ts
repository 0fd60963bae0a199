import type { Db } from '../../database.ts';
import { setConsent } from '../../customers/service.ts';
import type { ConsentChannel } from '../../customers/schema.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { channelKinds } from '../channels/channel.ts';
import { consentChannelOf } from '../delivery/policy.ts';
import { loadMessagingSettings } from '../delivery/settings.ts';
import { optIntoTopic, optOutOfTopic, optOutsOf } from './opt-outs.ts';
import { ALL_CHANNELS, type TopicLabels } from './tables.ts';
import type { PreferenceClaims } from './tokens.ts';

export type ChangeSource = 'preference-page' | 'one-click';

/** What the preference page shows: one customer's channels and topics in one workspace. */
export interface PreferenceState {
  workspaceId: string;
  workspaceName: string;
  customerId: string;
  firstName: string | null;
  /** The customer's language, else the workspace's default, else fa. */
  language: PageLanguage;
  /** Consent channels (email, sms, push …) with the effective state the pipeline would apply. */
  channels: { channel: string; subscribed: boolean; changedAt: Date | null }[];
  /** Topics: subscribed means no opt-out row; `exceptOn` lists channels opted out one by one. */
  topics: { key: string; labels: TopicLabels; subscribed: boolean; exceptOn: string[] }[];
}

/** Follows merges to the live profile (a link in old mail names the merged-away one); undefined when gone. */
async function liveCustomer(db: Db, workspaceId: string, customerId: string, forUpdate: boolean) {
  let id = customerId;
  for (let hop = 0; hop < 10; hop++) {
    let q = db.selectFrom('customers').select(['id', 'first_name', 'language', 'merged_into', 'erased_at']).where('workspace_id', '=', workspaceId).where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row || row.erased_at) return undefined;
    if (!row.merged_into) return row;
    id = row.merged_into;
  }
  return undefined;
}

/** The page's state for a verified token, or undefined when the workspace or customer is gone. */
export async function loadPreferenceState(db: Db, claims: PreferenceClaims, opts: { forUpdate?: boolean } = {}): Promise<PreferenceState | undefined> {
  const workspace = await db.selectFrom('workspaces').select(['name', 'settings']).where('id', '=', claims.workspaceId).executeTakeFirst();
  if (!workspace) return undefined;
  const customer = await liveCustomer(db, claims.workspaceId, claims.customerId, opts.forUpdate ?? false);
  if (!customer) return undefined;
  const [configured, consents, settings, topics, optOuts] = await Promise.all([
    db.selectFrom('channel_configs').select('kind').distinct().where('workspace_id', '=', claims.workspaceId).where('enabled', '=', true).execute(),
    db.selectFrom('customer_consents').select(['channel', 'status', 'changed_at']).where('customer_id', '=', customer.id).execute(),
    loadMessagingSettings(db, claims.workspaceId),
    db.selectFrom('messaging_topics').select(['key', 'labels']).where('workspace_id', '=', claims.workspaceId).orderBy('key').execute(),
    optOutsOf(db, claims.workspaceId, customer.id),
  ]);
  // The link's own channel first, then every channel the workspace sends on, in the port's order.
  const kinds = [claims.channel, ...channelKinds.filter((k) => configured.some((c) => c.kind === k))];
  const channels: PreferenceState['channels'] = [];
  for (const kind of kinds) {
    const channel = consentChannelOf(kind);
    if (channel === null || channels.some((c) => c.channel === channel)) continue;
    const row = consents.find((c) => c.channel === channel);
    // The same rule the pipeline applies (delivery/checks.ts consentAllows) for marketing.
    const subscribed = settings.consentModes[kind] === 'opt-in' ? row?.status === 'granted' : row?.status !== 'revoked';
    channels.push({ channel, subscribed, changedAt: row?.changed_at ?? null });
  }
  return {
    workspaceId: claims.workspaceId,
    workspaceName: workspace.name,
    customerId: customer.id,
    firstName: customer.first_name,
    language: pageLanguage(customer.language ?? workspace.settings.defaultLanguage),
    channels,
    topics: topics.map((t) => {
      const rows = optOuts.filter((o) => o.topic === t.key);
      return { key: t.key, labels: t.labels, subscribed: rows.length === 0, exceptOn: rows.map((r) => r.channel).filter((c) => c !== ALL_CHANNELS) };
    }),
  };
}

const pageLanguages = ['fa', 'ar', 'en'] as const;
export type PageLanguage = (typeof pageLanguages)[number];

/** fa-IR → fa; anything the page has no text for → fa (the workspace's audience is Iranian by default). */
export function pageLanguage(language: string | null | undefined): PageLanguage {
  const base = language?.slice(0, 2).toLowerCase();
  return (pageLanguages as readonly string[]).includes(base ?? '') ? (base as PageLanguage) : 'fa';
}

/** The customer acting through their link: the label on the timeline says which message's link. */
const customerActor = (workspaceId: string, source: ChangeSource, messageId: string | undefined): Actor => ({
  workspaceId,
  role: 'admin',
  type: 'system',
  id: null,
  label: messageId ? `customer (${source}, message ${messageId})` : `customer (${source})`,
});

/** What the customer asked for: the wanted state of each shown channel and topic. */
export interface PreferenceChoice {
  channels: Record<string, boolean>;
  topics: Record<string, boolean>;
}

/**
 * Applies what differs from the current state, in one transaction (the customer row locked, so two
 * tabs saving at once apply one after the other). Repeating the same choice changes nothing.
 * Returns how many changes were made.
 */
export async function applyChoice(db: Db, claims: PreferenceClaims, source: ChangeSource, choose: (state: PreferenceState) => PreferenceChoice): Promise<number | undefined> {
  return db.transaction().execute(async (tx) => {
    const state = await loadPreferenceState(tx, claims, { forUpdate: true });
    if (!state) return undefined;
    const wanted = choose(state);
    const actor = customerActor(claims.workspaceId, source, claims.messageId);
    let changes = 0;
    for (const c of state.channels) {
      const want = wanted.channels[c.channel];
      if (want === undefined || want === c.subscribed) continue;
      await setConsent(tx, actor, state.customerId, c.channel as ConsentChannel, { status: want ? 'granted' : 'revoked', source });
      changes++;
    }
    for (const t of state.topics) {
      const want = wanted.topics[t.key];
      if (want === undefined || want === t.subscribed) continue;
      const change = { customerId: state.customerId, topic: t.key, source, messageId: claims.messageId };
      if (want ? await optIntoTopic(tx, actor, change) : await optOutOfTopic(tx, actor, { ...change, channel: ALL_CHANNELS })) changes++;
    }
    return changes;
  });
}

/**
 * RFC 8058 one-click: the link's topic on the link's channel when the token names a topic, else
 * the link's channel consent. Returns undefined when the customer is gone; false when already done.
 */
export async function applyOneClick(db: Db, claims: PreferenceClaims): Promise<{ changed: boolean; topic?: string } | undefined> {
  return db.transaction().execute(async (tx) => {
    const state = await loadPreferenceState(tx, claims, { forUpdate: true });
    if (!state) return undefined;
    const actor = customerActor(claims.workspaceId, 'one-click', claims.messageId);
    if (claims.topic) {
      const changed = await optOutOfTopic(tx, actor, { customerId: state.customerId, topic: claims.topic, channel: claims.channel, source: 'one-click', messageId: claims.messageId });
      return { changed, topic: claims.topic };
    }
    const channel = consentChannelOf(claims.channel);
    if (channel === null) return { changed: false };
    const current = await tx.selectFrom('customer_consents').select('status').where('customer_id', '=', state.customerId).where('channel', '=', channel).executeTakeFirst();
    if (current?.status === 'revoked') return { changed: false };
    await setConsent(tx, actor, state.customerId, channel as ConsentChannel, { status: 'revoked', source: 'one-click' });
    return { changed: true };
  });
}
