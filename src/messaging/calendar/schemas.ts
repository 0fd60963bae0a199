import { z } from 'zod';
import { cursorSchema, limitSchema } from '../../platform/http/pagination.ts';
import { contactChannels } from './contacts.ts';

const channel = z.enum(contactChannels, { error: `must be one of ${contactChannels.join(', ')}` });
const days = z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days');

export const channelContactSchema = z
  .object({
    channel: z.string(),
    at: z.string(),
    by: z.enum(['broadcast', 'api', 'person']),
    label: z.string().nullable(),
    broadcastId: z.uuid().nullable(),
  })
  .meta({ id: 'ChannelContact' });

export const customerContactsSchema = z
  .object({ customerId: z.uuid(), lastContactAt: z.string().nullable(), channels: z.array(channelContactSchema) })
  .meta({ id: 'CustomerContacts' });

export const notContactedQuerySchema = z.strictObject({
  days: days.default(30),
  channel: channel.optional(),
  segmentId: z.uuid({ error: 'segmentId must be a UUID' }).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const notContactedSchema = z
  .object({
    customerId: z.uuid(),
    displayName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    lastContactAt: z.string().nullable(),
    /** Since when nothing was sent: the last contact, or when the customer was created. */
    silentSince: z.string(),
    daysSilent: z.number().int(),
  })
  .meta({ id: 'NotContactedCustomer' });

export const coverageQuerySchema = z.strictObject({ segmentId: z.uuid({ error: 'segmentId must be a UUID' }).optional() });

export const coverageRowSchema = z.object({
  /** A contact channel, or "any". */
  channel: z.string(),
  last7: z.number().int(),
  last30: z.number().int(),
  last90: z.number().int(),
});

export const coverageSchema = z
  .object({ segmentId: z.uuid().nullable(), customers: z.number().int(), rows: z.array(coverageRowSchema) })
  .meta({ id: 'ContactCoverage' });

export const contactAlertInputSchema = z.strictObject({
  enabled: z.boolean().default(true),
  days: days,
  channel: channel.nullable().default(null),
  segmentId: z.uuid({ error: 'segmentId must be a UUID' }).nullable().default(null),
  assigneeId: z.uuid({ error: 'assigneeId must be a UUID' }).nullable().default(null),
});
export type ContactAlertInput = z.infer<typeof contactAlertInputSchema>;

export const contactAlertSchema = z
  .object({
    enabled: z.boolean(),
    days: z.number().int(),
    channel: z.string().nullable(),
    segmentId: z.uuid().nullable(),
    assigneeId: z.uuid().nullable(),
    lastRunAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ContactAlert' });

export const alertRunSchema = z.object({ tasksCreated: z.number().int() }).meta({ id: 'ContactAlertRun' });
