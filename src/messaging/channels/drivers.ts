import type { ChannelDriver } from './channel.ts';

/**
 * Every channel driver Vafa ships, one folder each beside this file. The console's "add channel"
 * form and the channel store find providers here; nothing else names a driver.
 * Each driver's owner adds its import and entry under its own marker.
 */
// ── driver imports: email, webhook, webpush ──
import { emailDriver } from './email/driver.ts';
import { webhookDriver } from './webhook/driver.ts';
import { webPushDriver } from './webpush/driver.ts';
// ── driver imports: sms (kavenegar, smsir, twilio) ──
import { kavenegarDriver } from './kavenegar/index.ts';
import { smsIrDriver } from './smsir/index.ts';
import { twilioDriver } from './twilio/index.ts';
// ── driver imports: messengers (telegram, bale, eitaa, rubika, whatsapp) ──
import { baleDriver } from './bale/index.ts';
import { eitaaDriver } from './eitaa/index.ts';
import { rubikaDriver } from './rubika/index.ts';
import { telegramDriver } from './telegram/index.ts';
import { whatsappDriver } from './whatsapp/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: drivers differ in their settings type; each validates its own with `settings`.
export const channelDrivers: readonly ChannelDriver<any>[] = [
  // ── drivers: email, webhook, webpush ──
  emailDriver,
  webhookDriver,
  webPushDriver,
  // ── drivers: sms ──
  kavenegarDriver,
  smsIrDriver,
  twilioDriver,
  // ── drivers: messengers ──
  telegramDriver,
  baleDriver,
  whatsappDriver,
  eitaaDriver,
  rubikaDriver,
];

export function findDriver(provider: string) {
  return channelDrivers.find((d) => d.provider === provider);
}
