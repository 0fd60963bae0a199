import { z } from 'zod';
import { cursorSchema, limitSchema } from '../../platform/http/pagination.ts';
import { isoDateTime } from '../../platform/http/schemas.ts';
import { channelKinds } from '../channels/channel.ts';
import { messageStatuses } from '../delivery/tables.ts';

/** draft → scheduled → sending → sent, or paused (resumable) / cancelled. */
export const broadcastStatuses = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export type BroadcastStatus = (typeof broadcastStatuses)[number];

/** Variant keys in the order variants are given. */
export const variantKeys = ['A', 'B', 'C', 'D'] as const;
export type VariantKey = (typeof variantKeys)[number];

const uuid = (field: string) => z.uuid({ error: `${field} must be a UUID` });
const topicKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _');
const channelsSchema = z.union([z.literal('auto'), z.array(z.enum(channelKinds)).min(1).max(channelKinds.length)]);

export const variantInputSchema = z.strictObject({
  templateId: uuid('templateId'),
  /** Relative weight among the variants (the holdout is taken first). */
  weight: z.number().int().min(1).max(100).default(1),
});

export const goalSchema = z.strictObject({
  /** The tracked event that counts as a conversion. */
  event: z.string().trim().min(1).max(200).default('Order Completed'),
  /** Within how many days after the send. */
  days: z.number().int().min(1).max(90).default(7),
});

/** Fields shared by create and update (update takes any subset). */
const broadcastFields = {
  name: z.string().trim().min(1).max(200),
  segmentId: uuid('segmentId'),
  /** One template (shorthand for a single variant) … */
  templateId: uuid('templateId').optional(),
  /** … or 1–4 A/B variants, keyed A, B, C, D in this order. */
  variants: z.array(variantInputSchema).min(1).max(4).optional(),
  /** Percent of the audience (0–50) that receives nothing: the control for lift. */
  holdoutPercent: z.number().min(0).max(50).default(0),
  channels: channelsSchema.default('auto'),
  /** Defaults to the (first) template's category. */
  category: z.enum(['marketing', 'transactional']).optional(),
  priority: z.number().int().min(0).max(10).default(5),
  /** Subscription topic; null/absent = the (first) template's topic. */
  topic: topicKey.nullable().optional(),
  /** The broadcast's own throttle on top of each provider's rate; null = provider rate only. */
  maxPerMinute: z.number().int().min(1).max(1_000_000).nullable().default(null),
  goal: goalSchema.default({ event: 'Order Completed', days: 7 }),
  /** Extra template variables for every recipient (`{{ vars.* }}`). */
  variables: z.record(z.string(), z.unknown()).default({}),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language code such as fa, ar or en').nullable().default(null),
};

const oneTemplate = (body: { templateId?: string | undefined; variants?: unknown[] | undefined }, ctx: z.RefinementCtx, required: boolean) => {
  if (body.templateId !== undefined && body.variants !== undefined) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'give templateId or variants, not both' });
  else if (required && body.templateId === undefined && body.variants === undefined) ctx.addIssue({ code: 'custom', path: ['templateId'], message: 'give templateId or variants' });
};

export const createBroadcastSchema = z.strictObject(broadcastFields).superRefine((b, ctx) => oneTemplate(b, ctx, true));

export const updateBroadcastSchema = z
  .strictObject({
    name: broadcastFields.name.optional(),
    segmentId: broadcastFields.segmentId.optional(),
    templateId: broadcastFields.templateId,
    variants: broadcastFields.variants,
    holdoutPercent: z.number().min(0).max(50).optional(),
    channels: channelsSchema.optional(),
    category: broadcastFields.category,
    priority: z.number().int().min(0).max(10).optional(),
    topic: broadcastFields.topic,
    maxPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
    goal: goalSchema.optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    language: broadcastFields.language.optional(),
  })
  .superRefine((b, ctx) => oneTemplate(b, ctx, false));

/** Absent sendAt = now; a future instant (ISO with offset, stored UTC) schedules it. */
export const sendBroadcastSchema = z.strictObject({ sendAt: isoDateTime.optional() });

export const testSendSchema = z.strictObject({
  customerId: uuid('customerId'),
  /** Which variant's template to send; default A. */
  variant: z.enum(variantKeys).default('A'),
});

export const progressSchema = z
  .object({
    /** Recipients in the audience snapshot (holdout included); null before the send starts. */
    audience: z.number().int().nullable(),
    holdout: z.number().int(),
    /** Recipients whose message is not enqueued yet (snapshot taken, enqueue under way). */
    pending: z.number().int(),
    /** Messages by outbox status. */
    byStatus: z.partialRecord(z.enum(messageStatuses), z.number().int()),
    /** Messages skipped/failed/suppressed, by reason. */
    byReason: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'BroadcastProgress' });

export const broadcastSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    segmentId: z.uuid(),
    templateId: z.uuid(),
    variants: z.array(z.object({ key: z.enum(variantKeys), templateId: z.uuid(), weight: z.number().int() })),
    holdoutPercent: z.number(),
    channels: z.union([z.literal('auto'), z.array(z.enum(channelKinds))]),
    category: z.enum(['marketing', 'transactional']),
    priority: z.number().int(),
    topic: z.string().nullable(),
    maxPerMinute: z.number().int().nullable(),
    goal: z.object({ event: z.string(), days: z.number().int() }),
    variables: z.record(z.string(), z.unknown()),
    language: z.string().nullable(),
    status: z.enum(broadcastStatuses),
    /** When it goes (UTC ISO); null for a draft. */
    sendAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    /** When every recipient's message was enqueued. */
    enqueuedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    pausedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    /** Set when the newsletter scheduler created it. */
    newsletterId: z.uuid().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Broadcast' });

export const broadcastDetailSchema = broadcastSchema.extend({ progress: progressSchema }).meta({ id: 'BroadcastDetail' });

export const listBroadcastsQuerySchema = z.strictObject({
  status: z.enum(broadcastStatuses).optional(),
  newsletterId: uuid('newsletterId').optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const recipientStatuses = [...messageStatuses, 'holdout', 'pending'] as const;

export const listRecipientsQuerySchema = z.strictObject({
  /** A message status, `holdout` (received nothing by design) or `pending` (not enqueued yet). */
  status: z.enum(recipientStatuses).optional(),
  variant: z.enum([...variantKeys, 'holdout']).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const recipientSchema = z
  .object({
    customerId: z.uuid(),
    variant: z.enum([...variantKeys, 'holdout']),
    messageId: z.uuid().nullable(),
    status: z.enum(recipientStatuses),
    reason: z.string().nullable(),
    channel: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'BroadcastRecipient' });

const interval = z.object({ low: z.number(), high: z.number() });

export const variantReportSchema = z.object({
  key: z.enum([...variantKeys, 'holdout']),
  templateId: z.uuid().nullable(),
  recipients: z.number().int(),
  /** Handed to a provider: sent, delivered or read. */
  sent: z.number().int(),
  /** Delivered or read. */
  delivered: z.number().int(),
  failed: z.number().int(),
  suppressed: z.number().int(),
  skipped: z.number().int(),
  /** Failed, suppressed and skipped messages by reason. */
  byReason: z.record(z.string(), z.number().int()),
  /** Recipients with the goal event within goal.days after the send started. */
  conversions: z.number().int(),
  conversionRate: z.number(),
  /** Versus the holdout; null for the holdout itself or without a holdout. */
  lift: z
    .object({
      absolute: z.number(),
      /** absolute ÷ the holdout's rate; null when the holdout converted nobody. */
      relative: z.number().nullable(),
      /** 95 % interval of the absolute difference (Newcombe hybrid score, method 10). */
      ci95: interval,
    })
    .nullable(),
});

export const broadcastReportSchema = z
  .object({
    broadcastId: z.uuid(),
    goal: z.object({ event: z.string(), days: z.number().int() }),
    /** Conversions are counted from this instant (the send start) to goal.days after it. */
    windowStart: z.string().nullable(),
    windowEnd: z.string().nullable(),
    confidenceMethod: z.literal('newcombe-hybrid-score'),
    variants: z.array(variantReportSchema),
    holdout: variantReportSchema.nullable(),
  })
  .meta({ id: 'BroadcastReport' });

// ── newsletters ──

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

export const newsletterScheduleSchema = z
  .strictObject({
    frequency: z.enum(['daily', 'weekly']),
    /** weekly only: 0 = Sunday … 6 = Saturday (Saturday starts the Iranian week). */
    dayOfWeek: z.number().int().min(0).max(6).optional(),
    /** Local time in the workspace's messaging timezone. */
    time: hhmm,
  })
  .superRefine((s, ctx) => {
    if (s.frequency === 'weekly' && s.dayOfWeek === undefined) ctx.addIssue({ code: 'custom', path: ['dayOfWeek'], message: 'a weekly schedule needs dayOfWeek' });
    if (s.frequency === 'daily' && s.dayOfWeek !== undefined) ctx.addIssue({ code: 'custom', path: ['dayOfWeek'], message: 'a daily schedule takes no dayOfWeek' });
  });

const newsletterFields = {
  name: z.string().trim().min(1).max(200),
  feedUrl: z.url({ protocol: /^https?$/, error: 'feedUrl must be an http(s) URL' }).max(2000),
  schedule: newsletterScheduleSchema,
  segmentId: uuid('segmentId'),
  templateId: uuid('templateId'),
  channels: channelsSchema.default('auto'),
  priority: z.number().int().min(0).max(10).default(5),
  topic: topicKey.nullable().optional(),
  /** At most this many new items per issue (newest first). */
  maxItems: z.number().int().min(1).max(50).default(10),
  active: z.boolean().default(true),
};

export const createNewsletterSchema = z.strictObject(newsletterFields);

export const updateNewsletterSchema = z.strictObject({
  name: newsletterFields.name.optional(),
  feedUrl: newsletterFields.feedUrl.optional(),
  schedule: newsletterScheduleSchema.optional(),
  segmentId: newsletterFields.segmentId.optional(),
  templateId: newsletterFields.templateId.optional(),
  channels: channelsSchema.optional(),
  priority: z.number().int().min(0).max(10).optional(),
  topic: newsletterFields.topic,
  maxItems: z.number().int().min(1).max(50).optional(),
  active: z.boolean().optional(),
});

export const newsletterSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    feedUrl: z.string(),
    schedule: z.object({ frequency: z.enum(['daily', 'weekly']), dayOfWeek: z.number().int().optional(), time: z.string() }),
    segmentId: z.uuid(),
    templateId: z.uuid(),
    channels: z.union([z.literal('auto'), z.array(z.enum(channelKinds))]),
    priority: z.number().int(),
    topic: z.string().nullable(),
    maxItems: z.number().int(),
    active: z.boolean(),
    /** The next scheduled run (UTC ISO); null when inactive. */
    nextRunAt: z.string().nullable(),
    lastRunAt: z.string().nullable(),
    /** Publication date of the newest item already sent. */
    lastItemAt: z.string().nullable(),
    lastBroadcastId: z.uuid().nullable(),
    /** Why the last run failed (feed unreachable, not RSS/Atom …); null after a good run. */
    lastError: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Newsletter' });

export const newsletterRunSchema = z
  .object({
    outcome: z.enum(['sent', 'no-new-items', 'failed']),
    items: z.number().int(),
    broadcastId: z.uuid().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'NewsletterRun' });

export const listNewslettersQuerySchema = z.strictObject({ limit: limitSchema, cursor: cursorSchema });

export type CreateBroadcast = z.infer<typeof createBroadcastSchema>;
export type UpdateBroadcast = z.infer<typeof updateBroadcastSchema>;
export type BroadcastView = z.infer<typeof broadcastSchema>;
export type BroadcastDetail = z.infer<typeof broadcastDetailSchema>;
export type RecipientView = z.infer<typeof recipientSchema>;
export type VariantReport = z.infer<typeof variantReportSchema>;
export type BroadcastReport = z.infer<typeof broadcastReportSchema>;
export type CreateNewsletter = z.infer<typeof createNewsletterSchema>;
export type UpdateNewsletter = z.infer<typeof updateNewsletterSchema>;
export type NewsletterView = z.infer<typeof newsletterSchema>;
export type NewsletterRun = z.infer<typeof newsletterRunSchema>;
