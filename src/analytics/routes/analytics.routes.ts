import { z } from 'zod';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { pageSchema } from '../../platform/http/pagination.ts';
import { notFound } from '../../platform/errors.ts';
import { errorResponses, uuidParam } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import type { KpiRegistry } from '../kpis/registry.ts';
import { kpiReport } from '../reports/kpi-report.ts';
import { modelsReport } from '../reports/models-report.ts';
import { compareReport } from '../reports/compare.ts';
import { associationRules, recommendationsFor } from '../reports/recommendations.ts';
import { cohortReport, rfmReport, scoredCustomers } from '../reports/segments.ts';
import { analyticsStatus, snapshotDay } from '../reports/status.ts';
import { changesFigures, loadAnalyticsContext, publicSettings, updateAnalyticsSettings } from '../settings.ts';
import { requestRefresh } from '../worker.ts';
import {
  cohortQuerySchema,
  cohortReportSchema,
  compareQuerySchema,
  compareReportSchema,
  customerAnalyticsSchema,
  kpiQuerySchema,
  kpiReportSchema,
  modelsReportSchema,
  rfmReportSchema,
  ruleSchema,
  scoredCustomerSchema,
  scoredListQuerySchema,
  settingsPatchSchema,
  settingsSchema,
  statusSchema,
} from './schemas.ts';

export function analyticsRoutes(app: App, deps: { db: Db; kpis: KpiRegistry; kick: () => void }) {
  const { db } = deps;
  const tags = ['analytics'];
  const read = guard('analytics:read');
  const context = (request: Parameters<typeof actorOf>[0]) => loadAnalyticsContext(db, actorOf(request).workspaceId);

  app.get(
    '/api/v1/analytics/settings',
    { schema: { tags, security, summary: 'Analytics settings', response: { 200: settingsSchema, ...errorResponses } }, onRequest: read },
    async (request) => publicSettings(await context(request)),
  );

  app.patch(
    '/api/v1/analytics/settings',
    {
      schema: { tags, security, summary: 'Change analytics settings (figures are recomputed when needed)', body: settingsPatchSchema, response: { 200: settingsSchema, ...errorResponses } },
      onRequest: guard('analytics:manage'),
    },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      const updated = await updateAnalyticsSettings(db, workspaceId, request.body, deps.kpis.definitions().map((d) => d.id));
      if (changesFigures(request.body)) {
        await requestRefresh(db, workspaceId);
        deps.kick();
      }
      return publicSettings(updated);
    },
  );

  app.get(
    '/api/v1/analytics/status',
    { schema: { tags, security, summary: 'When the figures were computed, and whether a computation runs', response: { 200: statusSchema, ...errorResponses } }, onRequest: read },
    async (request) => analyticsStatus(db, await context(request)),
  );

  app.post(
    '/api/v1/analytics/refresh',
    {
      schema: { tags, security, summary: 'Recompute every figure and score now, in the background', response: { 202: statusSchema, ...errorResponses } },
      onRequest: guard('analytics:manage'),
    },
    async (request, reply) => {
      const ctx = await context(request);
      await requestRefresh(db, ctx.workspaceId);
      deps.kick();
      return reply.code(202).send(await analyticsStatus(db, ctx));
    },
  );

  app.get(
    '/api/v1/analytics/kpis',
    {
      schema: { tags, security, summary: 'KPIs per period, with formulas, definitions and period-over-period change', querystring: kpiQuerySchema, response: { 200: kpiReportSchema, ...errorResponses } },
      onRequest: read,
    },
    async (request) => kpiReport(db, deps.kpis, await context(request), request.query),
  );

  app.get(
    '/api/v1/analytics/cohorts',
    { schema: { tags, security, summary: 'Acquisition cohorts × periods since acquisition', querystring: cohortQuerySchema, response: { 200: cohortReportSchema, ...errorResponses } }, onRequest: read },
    async (request) => {
      const ctx = await context(request);
      const calendar = request.query.calendar ?? ctx.calendar;
      const { asOf } = await snapshotDay(db, ctx);
      const cohorts = await cohortReport(db, ctx, { ...request.query, calendar });
      return { asOf, currency: ctx.currency, calendar, grain: request.query.grain, cohorts };
    },
  );

  app.get(
    '/api/v1/analytics/rfm',
    { schema: { tags, security, summary: 'RFM segments with counts and revenue, and the recency × frequency grid', response: { 200: rfmReportSchema, ...errorResponses } }, onRequest: read },
    async (request) => {
      const ctx = await context(request);
      const { asOf } = await snapshotDay(db, ctx);
      return { asOf, currency: ctx.currency, ...(await rfmReport(db, ctx)) };
    },
  );

  app.get(
    '/api/v1/analytics/customers',
    {
      schema: { tags, security, summary: 'Scored customers: RFM drill-down and the at-risk list', querystring: scoredListQuerySchema, response: { 200: pageSchema(scoredCustomerSchema), ...errorResponses } },
      onRequest: read,
    },
    async (request) => scoredCustomers(db, await context(request), request.query),
  );

  app.get(
    '/api/v1/analytics/models',
    { schema: { tags, security, summary: 'Fitted models and their diagnostics', response: { 200: modelsReportSchema, ...errorResponses } }, onRequest: read },
    async (request) => modelsReport(db, await context(request)),
  );

  app.get(
    '/api/v1/analytics/compare',
    { schema: { tags, security, summary: 'What differs most between two groups of customers (default: VIPs vs churned)', querystring: compareQuerySchema, response: { 200: compareReportSchema, ...errorResponses } }, onRequest: read },
    async (request) => compareReport(db, await context(request), request.query),
  );

  app.get(
    '/api/v1/analytics/rules',
    {
      schema: {
        tags,
        security,
        summary: '"Bought together" association rules',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ data: z.array(ruleSchema) }), ...errorResponses },
      },
      onRequest: read,
    },
    async (request) => ({ data: await associationRules(db, actorOf(request).workspaceId, request.query.limit) }),
  );

  app.get(
    '/api/v1/customers/:id/analytics',
    {
      schema: { tags, security, summary: "A customer's scores and product recommendations", params: uuidParam('id'), response: { 200: customerAnalyticsSchema, ...errorResponses } },
      onRequest: read,
    },
    async (request) => {
      const ctx = await context(request);
      const customerId = request.params.id as string;
      const exists = await db.selectFrom('customers').select('id').where('id', '=', customerId).where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
      if (!exists) throw notFound('Customer');
      const { asOf } = await snapshotDay(db, ctx);
      const scored = await scoredCustomers(db, ctx, { customerId, sort: 'revenue', limit: 1 });
      const churn = await db.selectFrom('analytics_churn_scores').select('probability').where('workspace_id', '=', ctx.workspaceId).where('customer_id', '=', customerId).executeTakeFirst();
      return {
        asOf,
        scores: scored.data[0] ?? null,
        churnProbability: churn ? Math.round(churn.probability * 10000) / 10000 : null,
        recommendations: await recommendationsFor(db, ctx.workspaceId, customerId, 10),
      };
    },
  );
}
