/** Shapes of /api/v1/broadcasts (src/messaging/broadcasts/schemas.ts). */
export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
export const VARIANT_KEYS = ['A', 'B', 'C', 'D'] as const;
export type VariantKey = (typeof VARIANT_KEYS)[number];
export const CHANNEL_KINDS = ['email', 'sms', 'telegram', 'bale', 'whatsapp', 'webpush', 'webhook', 'eitaa', 'rubika'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const MESSAGE_STATUSES = ['queued', 'scheduled', 'sending', 'sent', 'delivered', 'read', 'failed', 'suppressed', 'skipped'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type RecipientStatus = MessageStatus | 'holdout' | 'pending';

export interface BroadcastInput {
  name: string;
  segmentId: string;
  templateId?: string;
  variants?: { templateId: string; weight: number }[];
  holdoutPercent: number;
  channels: 'auto' | ChannelKind[];
}

export interface Broadcast {
  id: string;
  name: string;
  segmentId: string;
  templateId: string;
  variants: { key: VariantKey; templateId: string; weight: number }[];
  holdoutPercent: number;
  channels: 'auto' | ChannelKind[];
  category: 'marketing' | 'transactional';
  priority: number;
  topic: string | null;
  status: BroadcastStatus;
  sendAt: string | null;
  startedAt: string | null;
  enqueuedAt: string | null;
  finishedAt: string | null;
  pausedAt: string | null;
  cancelledAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Progress {
  audience: number | null;
  holdout: number;
  pending: number;
  byStatus: Partial<Record<MessageStatus, number>>;
  byReason: Record<string, number>;
}

export interface BroadcastDetail extends Broadcast {
  progress: Progress;
}

export interface Recipient {
  customerId: string;
  variant: VariantKey | 'holdout';
  messageId: string | null;
  status: RecipientStatus;
  reason: string | null;
  channel: string | null;
  sentAt: string | null;
}

export interface VariantReport {
  key: VariantKey | 'holdout';
  templateId: string | null;
  recipients: number;
  sent: number;
  delivered: number;
  failed: number;
  suppressed: number;
  skipped: number;
  byReason: Record<string, number>;
  conversions: number;
  conversionRate: number;
  lift: { absolute: number; relative: number | null; ci95: { low: number; high: number } } | null;
}

export interface BroadcastReport {
  broadcastId: string;
  goal: { event: string; days: number };
  windowStart: string | null;
  windowEnd: string | null;
  confidenceMethod: string;
  variants: VariantReport[];
  holdout: VariantReport | null;
}
