import { z } from 'zod';
import { rootRuleSchema } from '../rules/schema.ts';

/** The segments API's shapes: validation, TypeScript types and OpenAPI at once (docs/segments.md). */

const name = z.string().trim().min(1, 'must not be empty').max(200);
const description = z.string().trim().max(2000).nullable();

export const segmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    kind: z.enum(['dynamic', 'manual']),
    rules: rootRuleSchema.nullable(),
    memberCount: z.number().int(),
    computedAt: z.string().nullable().describe('Last full recompute (dynamic) or membership change (manual)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Segment' });
export type SegmentView = z.infer<typeof segmentSchema>;

export const createSegmentSchema = z
  .strictObject({
    name,
    description: description.optional(),
    kind: z.enum(['dynamic', 'manual']),
    rules: rootRuleSchema.optional().describe('Required for dynamic segments, refused for manual ones'),
  })
  .superRefine((s, ctx) => {
    if (s.kind === 'dynamic' && !s.rules) ctx.addIssue({ code: 'custom', path: ['rules'], message: 'is required for a dynamic segment' });
    if (s.kind === 'manual' && s.rules) ctx.addIssue({ code: 'custom', path: ['rules'], message: 'a manual segment has no rules: add members instead' });
  });

export const updateSegmentSchema = z.strictObject({ name: name.optional(), description: description.optional(), rules: rootRuleSchema.optional() });

export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(200).optional().describe('Name contains'),
});

export const previewBodySchema = z.strictObject({ rules: rootRuleSchema });

export const memberSchema = z
  .object({
    customerId: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    enteredAt: z.string().nullable().describe('null in previews'),
  })
  .meta({ id: 'SegmentMember' });

export const previewSchema = z.object({ count: z.number().int(), sample: z.array(memberSchema) }).meta({ id: 'SegmentPreview' });

export const membersQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const customerIdsSchema = z.strictObject({
  customerIds: z.array(z.uuid({ error: 'must be a customer id (UUID)' })).min(1).max(1000),
});

export const addMembersResultSchema = z.object({ added: z.number().int(), alreadyMembers: z.number().int(), notFound: z.array(z.string()) });
export const removeMembersResultSchema = z.object({ removed: z.number().int() });

export const importQuerySchema = z.strictObject({
  matchBy: z.enum(['external_id', 'email', 'phone']),
  column: z.string().trim().min(1).max(200).optional().describe('Header of the column to read; default: the first column'),
});

export const importResultSchema = z
  .object({
    rows: z.number().int(),
    matched: z.number().int(),
    added: z.number().int(),
    alreadyMembers: z.number().int(),
    unmatchedCount: z.number().int(),
    unmatched: z.array(z.object({ line: z.number().int(), value: z.string(), reason: z.string() })).describe('The first 500'),
  })
  .meta({ id: 'SegmentImportResult' });

export const customerSegmentsSchema = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(['dynamic', 'manual']), enteredAt: z.string() })),
});
