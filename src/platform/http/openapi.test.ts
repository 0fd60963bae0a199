import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';

const t = await createTestApp();

test('given the running app, then /openapi.json (OpenAPI 3.1) lists every public route with its method', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const spec = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.equal(spec.openapi, '3.1.0');
  const documented = new Set(Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
  const publicRoutes = t.app.registeredRoutes.filter((r) => !r.hidden && !r.url.includes('*'));
  assert.ok(publicRoutes.length > 20);
  for (const route of publicRoutes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    assert.ok(documented.has(`${route.method} ${path}`), `${route.method} ${path} is missing from /openapi.json`);
  }
  assert.ok(documented.has('GET /health'));
  assert.ok(documented.has('POST /api/v1/customers/merge'));
});

test('given /docs, then the API reference UI is served', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /swagger/i);
});
