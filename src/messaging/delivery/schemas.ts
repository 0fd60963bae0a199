import { z } from 'zod';
import { cursorSchema, limitSchema } from '../../platform/http/pagination.ts';
import { isoDateTime } from '../../platform/http/schemas.ts';
import { channelKinds } from '../channels/channel.ts';
import { messageStatuses } from './tables.ts';

export const categorySchema = z.enum(['marketing', 'transactional']);

export const inlineContentSchema = z.strictObject({
  text: z.string().min(1).max(10_000),
  subject: z.string().min(1).max(500).optional(),
  html: z.string().min(1).max(500_000).optional(),
  url: z.url().max(2000).optional(),
});

export const sendMessageSchema = z
  .strictObject({
    customerId: z.uuid({ error: 'customerId must be a UUID' }),
    /** The idempotency key when no Idempotency-Key header is sent. */
    clientMessageId: z.string().min(1).max(255).optional(),
    templateId: z.string().min(1).max(200).optional(),
    content: inlineContentSchema.optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    channels: z.union([z.literal('auto'), z.array(z.enum(channelKinds)).min(1).max(channelKinds.length)]).default('auto'),
    category: categorySchema,
    priority: z.number().int().min(0).max(10).default(5),
    sendAt: isoDateTime.optional(),
    language: z.string().regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, 'must be a language code such as fa or en').optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.templateId === undefined) === (body.content === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['templateId'], message: 'give exactly one of templateId and content' });
    }
    if (Array.isArray(body.channels) && new Set(body.channels).size !== body.channels.length) {
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'a channel is listed twice' });
    }
  });

export const messageSchema = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    idempotencyKey: z.string(),
    broadcastId: z.uuid().nullable(),
    category: categorySchema,
    priority: z.number().int(),
    channels: z.union([z.literal('auto'), z.array(z.string())]),
    templateId: z.string().nullable(),
    status: z.enum(messageStatuses),
    reason: z.string().nullable(),
    notBefore: z.string(),
    attempts: z.number().int(),
    channel: z.string().nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'Message' });

export const messageDetailSchema = messageSchema
  .extend({
    history: z.array(z.object({ id: z.number().int(), status: z.string(), reason: z.string().nullable(), detail: z.record(z.string(), z.unknown()), at: z.string() })),
  })
  .meta({ id: 'MessageDetail' });

export const listMessagesQuerySchema = z.strictObject({
  customerId: z.uuid({ error: 'customerId must be a UUID' }).optional(),
  status: z.enum(messageStatuses).optional(),
  channel: z.enum(channelKinds).optional(),
  broadcastId: z.uuid({ error: 'broadcastId must be a UUID' }).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

/** Kinds whose address is kept beside the profile (email and SMS use the profile's own fields). */
export const addressKinds = ['telegram', 'bale', 'rubika', 'eitaa', 'whatsapp', 'webpush'] as const;

export const addressParamsSchema = z.object({
  id: z.uuid({ error: 'id must be a UUID' }),
  kind: z.enum(addressKinds, { error: `kind must be one of ${addressKinds.join(', ')} (email and SMS use the profile's emails and phones)` }),
});

/** A W3C PushSubscription as the browser's `subscription.toJSON()` gives it. */
export const pushSubscriptionSchema = z.strictObject({
  endpoint: z.url().max(2000),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
});

/** `address` for chat ids, channel ids and WhatsApp numbers; `subscription` for web push. */
export const putAddressSchema = z.strictObject({
  address: z.string().trim().min(1).max(200).optional(),
  subscription: pushSubscriptionSchema.optional(),
});

export const addressSchema = z
  .object({ kind: z.enum(addressKinds), address: z.string(), status: z.enum(['active', 'invalid']), updatedAt: z.string() })
  .meta({ id: 'CustomerAddress' });
