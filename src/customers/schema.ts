import { z } from 'zod';

/** Channels a customer can consent to. Messaging drivers map onto these. */
export const consentChannels = ['email', 'sms', 'whatsapp', 'telegram', 'bale', 'eitaa', 'rubika', 'push', 'voice'] as const;
export type ConsentChannel = (typeof consentChannels)[number];

const text = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max);
const list = (max = 50, itemMax = 100) => z.array(text(itemMax)).max(max);

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Profile fields as clients send them; every one optional, null clears it. */
export const customerFields = {
  externalId: text(200).nullable(),
  firstName: text(200).nullable(),
  lastName: text(200).nullable(),
  emails: z.array(z.email('is not a valid email address').max(320)).max(20),
  phones: z.array(z.string().trim().min(1).max(40)).max(20),
  birthday: z.iso.date('must be a date YYYY-MM-DD').nullable(),
  gender: z.enum(['female', 'male', 'other', 'unknown']).nullable(),
  city: text(200).nullable(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as fa, ar or en-GB').nullable(),
  timezone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Tehran').nullable(),
  job: text(200).nullable(),
  incomeBand: text(100).nullable(),
  interests: list(),
  challenges: list(),
  attributes: z.record(z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'is not a valid attribute key'), z.unknown()),
  tags: list(100, 64),
};

export const createCustomerSchema = z.strictObject(customerFields).partial();
export const updateCustomerSchema = z.strictObject(customerFields).partial();
export type CustomerInput = z.infer<typeof createCustomerSchema>;

export const consentSchema = z.object({
  channel: z.enum(consentChannels),
  status: z.enum(['granted', 'revoked']),
  source: z.string(),
  changedAt: z.string(),
});

export const customerSchema = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    displayName: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    birthday: z.string().nullable(),
    gender: z.string().nullable(),
    city: z.string().nullable(),
    language: z.string().nullable(),
    timezone: z.string().nullable(),
    job: z.string().nullable(),
    incomeBand: z.string().nullable(),
    interests: z.array(z.string()),
    challenges: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    tags: z.array(z.string()),
    consents: z.array(consentSchema),
    anonymous: z.boolean().describe('A visitor known only by an anonymousId, not identified yet'),
    mergedIntoId: z.string().nullable(),
    erasedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });
export type CustomerView = z.infer<typeof customerSchema>;

export const sortFields = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'name', '-name'] as const;

export const listQuerySchema = z.strictObject({
  q: z.string().max(200).optional(),
  tag: z.string().max(64).optional(),
  city: z.string().max(200).optional(),
  language: z.string().max(20).optional(),
  gender: z.enum(['female', 'male', 'other', 'unknown']).optional(),
  consent: z.enum(consentChannels).optional(),
  visitors: z.enum(['exclude', 'include', 'only']).default('exclude').describe('Anonymous visitors (anonymousId only): left out by default'),
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
  sort: z.enum(sortFields).default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
