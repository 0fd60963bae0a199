import { z } from 'zod';
import type { App } from './server.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeSeconds: z.number(),
  process: z.object({ pid: z.number(), rssBytes: z.number(), heapUsedBytes: z.number() }),
  database: z.object({ status: z.enum(['ok', 'down']), mode: z.enum(['embedded', 'external']), latencyMs: z.number().nullable(), error: z.string().optional() }),
});

/** Process and database status; 503 when the database does not answer. */
export function healthRoute(app: App, deps: { mode: 'embedded' | 'external'; ping: () => Promise<void>; version: string }) {
  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Process and database status', response: { 200: healthSchema, 503: healthSchema } } },
    async (_request, reply) => {
      const started = performance.now();
      let database: z.infer<typeof healthSchema>['database'];
      try {
        await Promise.race([deps.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000))]);
        database = { status: 'ok', mode: deps.mode, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
      } catch (e) {
        database = { status: 'down', mode: deps.mode, latencyMs: null, error: (e as Error).message };
      }
      const mem = process.memoryUsage();
      const body = {
        status: database.status === 'ok' ? ('ok' as const) : ('degraded' as const),
        version: deps.version,
        uptimeSeconds: Math.round(process.uptime()),
        process: { pid: process.pid, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
        database,
      };
      return reply.status(database.status === 'ok' ? 200 : 503).send(body);
    },
  );
}
