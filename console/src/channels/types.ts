/** Mirrors the server's Channel, ChannelProvider and SendOutcome (src/messaging/channels/routes.ts). */
export type ChannelStatus = 'unverified' | 'ok' | 'failing';

export interface Channel {
  id: string;
  kind: string;
  provider: string;
  name: string;
  /** Non-secret settings; each secret field appears as `{ set: boolean }`. */
  settings: Record<string, unknown>;
  enabled: boolean;
  isDefault: boolean;
  status: ChannelStatus;
  statusMessage: string | null;
  statusAt: string | null;
  webhookUrl?: string;
  createdAt: string;
  updatedAt: string;
}

/** One property of a driver's settings, as z.toJSONSchema writes it. */
export interface SettingsProperty {
  type?: 'string' | 'integer' | 'number' | 'boolean';
  enum?: (string | number)[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  format?: string;
}

export interface Provider {
  provider: string;
  kind: string;
  label: string;
  settingsSchema: { properties?: Record<string, SettingsProperty>; required?: string[] };
  secrets: string[];
}

export interface SendOutcome {
  status: 'sent' | 'delivered' | 'failed-retryable' | 'failed-permanent' | 'suppressed';
  providerMessageId?: string;
  error?: string;
  reason?: string;
  retryAfterMs?: number;
}

export const isSecretSet = (value: unknown): boolean => typeof value === 'object' && value !== null && (value as { set?: unknown }).set === true;
