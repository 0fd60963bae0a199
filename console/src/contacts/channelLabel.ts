import type { TFunction } from 'i18next';

/** A contact channel's name: the messaging kinds' names, plus "team" and "any". */
export function channelLabel(t: TFunction, channel: string): string {
  return channel === 'team' || channel === 'any' ? t(`contacts.channels.${channel}`) : t(`messaging.kinds.${channel as 'sms'}`);
}
