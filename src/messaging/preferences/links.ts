import { channelKinds, type ChannelKind } from '../channels/channel.ts';
import { signPreferenceToken } from './tokens.ts';

export interface PreferenceLinkRequest {
  workspaceId: string;
  customerId: string;
  /** The channel the message goes out on: one-click revokes this channel's consent. */
  channel: ChannelKind | string;
  /** The message's topic: one-click then opts out of this topic on this channel only. */
  topic?: string | null | undefined;
  /** Recorded with every change made through the link ("which message made them leave"). */
  messageId?: string | null | undefined;
}

export interface PreferenceLinkUrls {
  /** RFC 8058 one-click target (POST) and its confirm page (GET): `List-Unsubscribe` header, `links.unsubscribe`. */
  unsubscribeUrl: string;
  /** The preference page: every channel and topic of the workspace, `links.preferences`. */
  preferencesUrl: string;
}

export type PreferenceLinks = (request: PreferenceLinkRequest) => PreferenceLinkUrls;

/**
 * Builds the per-delivery links; synchronous and free of I/O, so the delivery worker can call it
 * for every recipient. Both links carry the same signed token.
 *
 * @example
 * const links = preferenceLinksFor(key, 'https://crm.example.com');
 * links({ workspaceId, customerId, channel: 'email', messageId });
 * // { unsubscribeUrl: 'https://crm.example.com/u/AQE…', preferencesUrl: 'https://crm.example.com/p/AQE…' }
 */
export function preferenceLinksFor(key: Buffer, publicUrl: string, now: () => Date = () => new Date()): PreferenceLinks {
  const base = publicUrl.replace(/\/+$/, '');
  return (request) => {
    if (!(channelKinds as readonly string[]).includes(request.channel)) throw new Error(`"${request.channel}" is not a channel kind`);
    const token = signPreferenceToken(key, {
      workspaceId: request.workspaceId,
      customerId: request.customerId,
      channel: request.channel as ChannelKind,
      topic: request.topic ?? undefined,
      messageId: request.messageId ?? undefined,
      issuedAt: now(),
    });
    return { unsubscribeUrl: `${base}/u/${token}`, preferencesUrl: `${base}/p/${token}` };
  };
}
