/** Shapes of /api/v1/messages and /api/v1/messaging/settings (src/messaging/delivery/schemas.ts). */
export const channelKinds = ['email', 'sms', 'telegram', 'bale', 'whatsapp', 'webpush', 'webhook', 'eitaa', 'rubika'] as const;
export type ChannelKind = (typeof channelKinds)[number];

export const messageStatuses = ['queued', 'scheduled', 'sending', 'sent', 'delivered', 'read', 'failed', 'suppressed', 'skipped'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

export interface Message {
  id: string;
  customerId: string;
  idempotencyKey: string;
  broadcastId: string | null;
  category: 'marketing' | 'transactional';
  priority: number;
  channels: string[] | 'auto';
  templateId: string | null;
  status: MessageStatus;
  reason: string | null;
  notBefore: string;
  attempts: number;
  channel: string | null;
  provider: string | null;
  providerMessageId: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

export interface MessageDetail extends Message {
  history: { id: number; status: string; reason: string | null; detail: Record<string, unknown>; at: string }[];
}

export interface Cap {
  channel: 'all' | ChannelKind;
  limit: number;
  days: number;
}

export interface MessagingSettings {
  timezone: string;
  quietHours: { enabled: boolean; start: string; end: string };
  caps: Cap[];
  consentModes: Record<ChannelKind, 'opt-in' | 'opt-out'>;
  channelOrder: ChannelKind[];
  maxAttempts: number;
}
