import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventType } from './tables.ts';

/**
 * Segment spec messages (https://segment.com/docs/connections/spec/common/). Libraries add
 * fields of their own (integrations, _metadata, channel…), so unknown fields are accepted;
 * what we use is checked strictly.
 */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export const eventTypes = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;

const id = z.union([z.string().trim().min(1).max(200), z.number().transform(String)]);
const object = z.record(z.string(), z.unknown());
const timestamp = z.union([z.string(), z.number()]).optional();

const messageSchema = z.looseObject({
  type: z.enum(eventTypes, { error: `must be one of ${eventTypes.join(', ')}` }),
  messageId: z.string().min(1).max(200).optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  event: z.string().trim().min(1).max(200).optional(),
  name: z.string().max(200).nullish(),
  category: z.string().max(200).nullish(),
  properties: object.nullish(),
  traits: object.nullish(),
  context: object.nullish(),
  groupId: id.nullish(),
  previousId: id.nullish(),
  timestamp,
  originalTimestamp: timestamp,
  sentAt: timestamp,
});

type Shape = z.output<typeof messageSchema>;
const types = new Set<string>(eventTypes);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `id` of messageSchema, by hand: undefined when the value is not plainly valid. */
function plainId(v: unknown): string | null | undefined | false {
  if (v === undefined || v === null) return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : false;
  if (typeof v !== 'string') return false;
  const t = v.trim();
  return t.length >= 1 && t.length <= 200 ? t : false;
}

/**
 * What `messageSchema` would return for a message that is plainly valid, without zod (a tenth
 * of the time, no copies: most of intake's CPU in a 100-event batch was validation). Anything
 * unusual — a wrong type, a length out of bounds — returns undefined, and the schema decides
 * and words the error.
 */
function plainShape(raw: unknown): Shape | undefined {
  if (!isRecord(raw)) return undefined;
  const { type, messageId, event, name, category, properties, traits, context, timestamp, originalTimestamp, sentAt } = raw;
  if (typeof type !== 'string' || !types.has(type)) return undefined;
  if (messageId !== undefined && (typeof messageId !== 'string' || messageId.length < 1 || messageId.length > 200)) return undefined;
  const userId = plainId(raw.userId);
  const anonymousId = plainId(raw.anonymousId);
  const groupId = plainId(raw.groupId);
  const previousId = plainId(raw.previousId);
  if (userId === false || anonymousId === false || groupId === false || previousId === false) return undefined;
  let eventName: string | undefined;
  if (event !== undefined) {
    if (typeof event !== 'string') return undefined;
    eventName = event.trim();
    if (eventName.length < 1 || eventName.length > 200) return undefined;
  }
  for (const v of [name, category]) if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 200)) return undefined;
  for (const v of [properties, traits, context]) if (v !== undefined && v !== null && !isRecord(v)) return undefined;
  for (const v of [timestamp, originalTimestamp, sentAt]) if (v !== undefined && typeof v !== 'string' && typeof v !== 'number') return undefined;
  return {
    type: type as EventType,
    messageId: messageId as string | undefined,
    userId,
    anonymousId,
    event: eventName,
    name: name as string | null | undefined,
    category: category as string | null | undefined,
    properties: properties as Record<string, unknown> | null | undefined,
    traits: traits as Record<string, unknown> | null | undefined,
    context: context as Record<string, unknown> | null | undefined,
    groupId,
    previousId,
    timestamp: timestamp as string | number | undefined,
    originalTimestamp: originalTimestamp as string | number | undefined,
    sentAt: sentAt as string | number | undefined,
  };
}

export interface TrackedMessage {
  type: EventType;
  messageId: string;
  userId: string | null;
  anonymousId: string | null;
  /** track: event name; page/screen: page name; identify/group/alias: null */
  name: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  groupId: string | null;
  previousId: string | null;
  occurredAt: Date;
}

export type { Problem as MessageProblem } from '../platform/errors.ts';
import type { Problem as MessageProblem } from '../platform/errors.ts';

function parseTime(value: string | number | undefined): Date | undefined | 'invalid' {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? 'invalid' : date;
}

/**
 * Validates one message and fixes its time: the client's clock may be off, so the event time is
 * `timestamp` shifted by (receivedAt − sentAt), as Segment does.
 */
export function parseMessage(raw: unknown, index: number, receivedAt: Date, batchSentAt?: string | number): TrackedMessage | MessageProblem {
  const size = Buffer.byteLength(JSON.stringify(raw) ?? '');
  if (size > MAX_EVENT_BYTES) return { index, field: `batch.${index}`, reason: `is ${size} bytes; an event may be at most ${MAX_EVENT_BYTES}` };
  let m = plainShape(raw);
  if (!m) {
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      return { index, field: `batch.${index}${path ? `.${path}` : ''}`, reason: issue?.message ?? 'invalid' };
    }
    m = parsed.data;
  }
  const userId = m.userId ?? null;
  const anonymousId = m.anonymousId ?? null;
  if (!userId && !anonymousId) return { index, field: `batch.${index}.userId`, reason: 'either userId or anonymousId is required' };
  if (m.type === 'track' && !m.event) return { index, field: `batch.${index}.event`, reason: 'a track call needs an event name' };
  if (m.type === 'alias' && !m.previousId) return { index, field: `batch.${index}.previousId`, reason: 'an alias call needs previousId' };
  if (m.type === 'group' && !m.groupId) return { index, field: `batch.${index}.groupId`, reason: 'a group call needs groupId' };

  const ts = parseTime(m.timestamp ?? m.originalTimestamp);
  if (ts === 'invalid') return { index, field: `batch.${index}.timestamp`, reason: 'is not a date-time' };
  const sentAt = parseTime(m.sentAt ?? batchSentAt);
  if (sentAt === 'invalid') return { index, field: `batch.${index}.sentAt`, reason: 'is not a date-time' };
  let occurredAt = ts ?? receivedAt;
  if (ts && sentAt) occurredAt = new Date(ts.getTime() + (receivedAt.getTime() - sentAt.getTime()));
  if (occurredAt.getFullYear() < 1970 || occurredAt.getTime() > receivedAt.getTime() + 86_400_000) {
    return { index, field: `batch.${index}.timestamp`, reason: 'is before 1970 or more than a day in the future' };
  }
  const name = m.type === 'track' ? (m.event ?? null) : m.type === 'page' || m.type === 'screen' ? (m.name ?? m.category ?? null) : null;
  return {
    type: m.type,
    messageId: m.messageId ?? randomUUID(),
    userId,
    anonymousId,
    name,
    properties: m.properties ?? {},
    traits: m.traits ?? (m.type === 'identify' ? ((m.context?.traits as Record<string, unknown>) ?? {}) : {}),
    context: m.context ?? {},
    groupId: m.groupId ?? null,
    previousId: m.previousId ?? null,
    occurredAt,
  };
}

export const isProblem = (x: TrackedMessage | MessageProblem): x is MessageProblem => 'reason' in x;
