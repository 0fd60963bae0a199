import { z } from 'zod';
import type { Db } from '../../database.ts';
import { channelKinds, type ChannelKind } from '../channels/channel.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().refine(validTimeZone, 'must be an IANA time zone such as Asia/Tehran');

/** A frequency cap: at most `limit` marketing messages per customer in `days`, on one channel or on all. */
export const capSchema = z.strictObject({
  channel: z.union([z.literal('all'), z.enum(channelKinds)]),
  limit: z.number().int().min(0).max(1000),
  days: z.number().int().min(1).max(90),
});

export const consentModeSchema = z.enum(['opt-in', 'opt-out']);

export const messagingSettingsSchema = z
  .strictObject({
    timezone: timeZoneSchema,
    quietHours: z.strictObject({ enabled: z.boolean(), start: hhmm, end: hhmm }),
    caps: z.array(capSchema).max(20),
    consentModes: z.strictObject(Object.fromEntries(channelKinds.map((k) => [k, consentModeSchema])) as Record<ChannelKind, typeof consentModeSchema>),
    /** "auto" falls back to this order when a customer has no delivery history. */
    channelOrder: z.array(z.enum(channelKinds)).min(1).max(channelKinds.length),
    maxAttempts: z.number().int().min(1).max(20),
  })
  .meta({ id: 'MessagingSettings' });

export type MessagingSettings = z.infer<typeof messagingSettingsSchema>;
export type Cap = z.infer<typeof capSchema>;

/**
 * Defaults (docs/messaging.md explains each):
 * - caps: ≤ 3 marketing messages a week on all channels, ≤ 1 marketing SMS a day;
 * - quiet hours 21:00–09:00 in Asia/Tehran unless the customer has a time zone;
 * - consent: SMS and WhatsApp are opt-in (operators' advertising rules and Meta's policy require
 *   prior consent, and an unwanted SMS costs the customer the most); email is opt-out (every
 *   marketing email carries RFC 8058 one-click unsubscribe); bots, push and channel posts are
 *   opt-out because the customer started the bot, allowed notifications or joined the channel.
 */
export const defaultMessagingSettings: MessagingSettings = {
  timezone: 'Asia/Tehran',
  quietHours: { enabled: true, start: '21:00', end: '09:00' },
  caps: [
    { channel: 'all', limit: 3, days: 7 },
    { channel: 'sms', limit: 1, days: 1 },
  ],
  consentModes: {
    email: 'opt-out',
    sms: 'opt-in',
    whatsapp: 'opt-in',
    telegram: 'opt-out',
    bale: 'opt-out',
    rubika: 'opt-out',
    eitaa: 'opt-out',
    webpush: 'opt-out',
    webhook: 'opt-out',
  },
  channelOrder: ['email', 'sms', 'telegram', 'bale', 'whatsapp', 'webpush', 'rubika', 'eitaa', 'webhook'],
  maxAttempts: 6,
};

export async function loadMessagingSettings(db: Db, workspaceId: string): Promise<MessagingSettings> {
  const row = await db.selectFrom('messaging_settings').select('settings').where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return defaultMessagingSettings;
  // Stored settings were valid when saved; merging over the defaults keeps rows readable after a
  // later version adds a field.
  const stored = row.settings as Partial<MessagingSettings>;
  return { ...defaultMessagingSettings, ...stored, consentModes: { ...defaultMessagingSettings.consentModes, ...stored.consentModes } };
}

export async function saveMessagingSettings(db: Db, workspaceId: string, settings: MessagingSettings): Promise<MessagingSettings> {
  const json = JSON.stringify(settings);
  await db
    .insertInto('messaging_settings')
    .values({ workspace_id: workspaceId, settings: json, updated_at: new Date() })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings: json, updated_at: new Date() }))
    .execute();
  return settings;
}
