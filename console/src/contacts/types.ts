/** Shapes of /api/v1/contacts/* and /api/v1/customers/{id}/contacts (src/messaging/calendar/schemas.ts). */
export const CONTACT_CHANNELS = ['email', 'sms', 'telegram', 'bale', 'whatsapp', 'webpush', 'webhook', 'eitaa', 'rubika', 'team'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export interface ChannelContact {
  channel: ContactChannel;
  at: string;
  by: 'broadcast' | 'api' | 'person';
  label: string | null;
  broadcastId: string | null;
}

export interface CustomerContacts {
  customerId: string;
  lastContactAt: string | null;
  channels: ChannelContact[];
}

export interface NotContactedCustomer {
  customerId: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  lastContactAt: string | null;
  silentSince: string;
  daysSilent: number;
}

export interface CoverageRow {
  channel: 'any' | ContactChannel;
  last7: number;
  last30: number;
  last90: number;
}

export interface Coverage {
  segmentId: string | null;
  customers: number;
  rows: CoverageRow[];
}

export interface ContactAlert {
  enabled: boolean;
  days: number;
  channel: ContactChannel | null;
  segmentId: string | null;
  assigneeId: string | null;
  lastRunAt: string | null;
  updatedAt: string;
}

export type ContactAlertInput = Pick<ContactAlert, 'enabled' | 'days' | 'channel' | 'segmentId' | 'assigneeId'>;
