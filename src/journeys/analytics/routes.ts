import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { errorResponses, uuidParam } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { journeyAnalytics } from './analytics.ts';
import { analyticsQuerySchema, journeyAnalyticsSchema } from './schema.ts';

/** GET /api/v1/journeys/{id}/analytics: the canvas's live counters and the journey's report. */
export function journeyAnalyticsRoutes(app: App, deps: { db: Db }): void {
  app.get(
    '/api/v1/journeys/:id/analytics',
    {
      schema: {
        tags: ['journeys'],
        security,
        summary: "A journey's analytics: per-step counts and drop-off, goal conversion and revenue, holdout lift, split branches",
        description:
          'Optionally for the runs of one `version`, or runs entered in [`from`, `to`). `dropOff` = exitedHere ÷ reached; `conversionRate` = goal ÷ treated entered; the lift compares treated runs with the holdout (95 % Newcombe hybrid score interval).',
        params: uuidParam('id'),
        querystring: analyticsQuerySchema,
        response: { 200: journeyAnalyticsSchema, ...errorResponses },
      },
      onRequest: guard('journeys:read'),
    },
    async (request) => journeyAnalytics(deps.db, actorOf(request).workspaceId, request.params.id as string, request.query),
  );
}
