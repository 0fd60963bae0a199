import { z } from 'zod';

/** Request and answer of GET /api/v1/journeys/{id}/analytics (validation, types and OpenAPI at once). */

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone (2026-03-01T00:00:00Z)' });

export const analyticsQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional().describe('Only runs following this version'),
  from: isoTime.optional().describe('Only runs that entered at or after this time'),
  to: isoTime.optional().describe('Only runs that entered before this time'),
});
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;

const count = z.number().int();
const share = z.number().min(0).max(1);
const rate = z.object({ entered: count, goal: count, rate: share });

export const journeyAnalyticsSchema = z
  .object({
    journeyId: z.string(),
    version: z.number().int().nullable().describe('The version asked for; null: every version'),
    totals: z.object({
      entered: count.describe('Runs that entered, the holdout (control) group included'),
      active: count.describe('Runs in the journey now (status active)'),
      paused: count.describe('Runs of a paused journey'),
      completed: count,
      exited: count.describe('Runs that left early (the control group included: exit reason holdout)'),
      heldOut: count.describe("The journey's holdout: runs kept out of every step at entry (the control group)"),
      goalReached: count.describe('Treated runs (not held out at entry) that reached the goal'),
      conversionRate: share.describe('goalReached ÷ treated entered'),
      revenue: z
        .object({ amountMinor: z.number().int(), amount: z.number(), currency: z.string() })
        .describe('Revenue of the goal orders of treated runs within the goal window (the currency most of them used)'),
    }),
    steps: z.array(
      z.object({
        stepId: z.string(),
        kind: z.string(),
        name: z.string().nullable(),
        reached: count.describe('Runs that arrived at the step'),
        current: count.describe('Runs at it now, about to run it or waiting in it'),
        ports: z.record(z.string(), count).describe('How often runs left it by each port'),
        exitedHere: count.describe('Runs that ended at it: an exit step, a port without a target, an error, the goal, the journey archived'),
        dropOff: share.describe('exitedHere ÷ reached'),
      }),
    ),
    holdout: z
      .object({
        treated: rate,
        control: rate,
        lift: z.object({
          absolute: z.number().describe('Treated rate − control rate'),
          relative: z.number().nullable().describe('absolute ÷ control rate; null when the control rate is 0'),
          ci95: z.object({ low: z.number(), high: z.number() }),
          significant: z.boolean().describe('The 95 % interval excludes 0'),
        }),
        method: z.string(),
      })
      .nullable()
      .describe('Goal conversion of treated runs against the holdout; null when the journey has no holdout'),
    splits: z.array(z.object({ stepId: z.string(), branches: z.array(z.object({ key: z.string(), entered: count, goal: count, rate: share })) })),
    exitReasons: z.record(z.string(), count).describe('Finished runs by reason (completed, goal, holdout, error, …)'),
    asOf: z.string(),
  })
  .meta({ id: 'JourneyAnalytics' });
export type JourneyAnalytics = z.infer<typeof journeyAnalyticsSchema>;
