/** Shapes from docs/api.md. Optional where the server may leave a field out. */

export type Role = 'owner' | 'admin' | 'marketer' | 'support' | 'analyst';
export const ROLES: readonly Role[] = ['owner', 'admin', 'marketer', 'support', 'analyst'];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Session {
  user: { id: string; email: string; name: string | null };
  workspace: { id: string; name: string };
  role: Role;
  /** What the role may do in this workspace (sent by the server, which enforces it). */
  permissions: Permission[];
  csrfToken: string;
  workspaces: { id: string; name: string; role: Role }[];
}

export type Permission =
  | 'customers:read'
  | 'customers:write'
  | 'customers:erase'
  | 'notes:write'
  | 'tasks:write'
  | 'attributes:manage'
  | 'team:read'
  | 'team:manage'
  | 'keys:manage'
  | 'audit:read'
  | 'workspace:manage'
  | 'analytics:read'
  | 'analytics:manage';

export const CONSENT_CHANNELS = ['email', 'sms', 'whatsapp', 'telegram', 'bale', 'eitaa', 'rubika', 'push', 'voice'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export interface Consent {
  channel: ConsentChannel | (string & {});
  status: 'granted' | 'revoked' | (string & {});
  source: string | null;
  changedAt: string;
}

export type Gender = 'female' | 'male' | 'other' | 'unknown';
export const GENDERS: readonly Gender[] = ['female', 'male', 'other', 'unknown'];
export const CUSTOMER_LANGUAGES = ['fa', 'ar', 'en'] as const;


export interface CustomerInput {
  externalId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  emails?: string[];
  phones?: string[];
  birthday?: string | null;
  gender?: Gender | null;
  city?: string | null;
  language?: string | null;
  timezone?: string | null;
  job?: string | null;
  incomeBand?: string | null;
  interests?: string[];
  challenges?: string[];
  attributes?: Record<string, unknown>;
  tags?: string[];
}

export interface Customer extends CustomerInput {
  id: string;
  displayName: string | null;
  emails: string[];
  phones: string[];
  tags: string[];
  consents: Consent[];
  createdAt: string;
  updatedAt: string;
  mergedIntoId: string | null;
  erasedAt: string | null;
}

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date', 'enum', 'list'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** A custom attribute must be defined before a profile can carry it. */
export interface AttributeDefinition {
  key: string;
  label: string;
  type: AttributeType;
  options: string[];
  createdAt: string;
}

export interface TimelineEntry {
  id: string;
  kind: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export type TaskStatus = 'open' | 'in_progress' | 'done' | 'cancelled';
export type TaskPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface Task {
  id: string;
  title: string;
  description?: string | null;
  customerId?: string | null;
  assigneeId?: string | null;
  dueAt?: string | null;
  status: TaskStatus;
  priority?: TaskPriority | null;
  source?: string | null;
  createdBy?: string | null;
  createdAt?: string;
  completedAt?: string | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt?: string;
}

export type ApiKeyKind = 'secret' | 'write';

export interface ApiKey {
  id: string;
  kind: ApiKeyKind;
  name: string;
  role?: Role | null;
  prefix?: string | null;
  createdAt: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
  /** Present only in the answer to the POST that created the key. */
  key?: string;
}

export interface AuditEntry {
  id: string;
  actorType: 'user' | 'api_key' | 'system' | (string & {});
  actorId: string | null;
  /** The actor's name or email (users) or key name (API keys) at the time. */
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  changes: unknown;
  requestId: string | null;
  at: string;
}

export type EventType = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';
export const EVENT_TYPES: readonly EventType[] = ['track', 'page', 'screen', 'identify', 'group', 'alias'];

/** `GET /api/v1/events`: one stored tracking event. */
export interface TrackedEvent {
  id: string;
  type: EventType;
  name: string | null;
  customerId: string;
  /** null for an anonymous visitor. */
  customerName: string | null;
  properties: Record<string, unknown>;
  pageUrl: string | null;
  occurredAt: string;
  receivedAt: string;
}

/** `GET /api/v1/event-schemas`: the properties seen per event name. */
export interface EventSchema {
  type: EventType | (string & {});
  name: string | null;
  lastSeen: string;
  properties: { name: string; types: { type: string; count: number }[]; lastSeen: string }[];
}
