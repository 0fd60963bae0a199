import type { LightMyRequestResponse } from 'fastify';
import { after } from 'node:test';
import { buildApp } from '../app.ts';
import { createDb, type Db } from '../database.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import type { App } from '../platform/http/server.ts';
import { createLogger } from '../platform/logger.ts';
import { createApiKey } from '../workspaces/keys.ts';
import { createWorkspace } from '../workspaces/team.ts';
import type { Role } from '../platform/access/roles.ts';
import { cloneTestDatabase } from './database.ts';

export interface TestApp {
  app: App;
  db: Db;
  config: Config;
  /** A new workspace with an owner (password "owner-password") and keys. */
  workspace(name?: string): Promise<TestWorkspace>;
}

export interface TestWorkspace {
  id: string;
  ownerEmail: string;
  ownerPassword: string;
  ownerId: string;
  secretKey: string;
  writeKey: string;
  /** A client authenticated with a secret key of this workspace (owner role by default). */
  api: ApiClient;
  /** A secret key with another role. */
  keyFor(role: Role): Promise<ApiClient>;
}

export interface ApiClient {
  key: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export function apiClient(app: App, key: string): ApiClient {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
  return {
    key,
    get: (url) => call('GET', url),
    post: (url, body, headers) => call('POST', url, body ?? {}, headers),
    patch: (url, body) => call('PATCH', url, body ?? {}),
    put: (url, body) => call('PUT', url, body ?? {}),
    delete: (url) => call('DELETE', url),
  };
}

/** A fixed master key for sealed secrets: tests are reproducible and never touch a key file. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 0x5a).toString('base64');

let counter = 0;

/**
 * The whole Vafa HTTP app over a fresh database of its own, torn down after the file's tests.
 * Call it at the top level of a test file (top-level await) so its clean-up runs after all tests.
 * Requests go through `app.inject` (no socket), the database is real PostgreSQL.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await cloneTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', VAFA_ANALYTICS_CHECK_SECONDS: '0', VAFA_SECRET_KEY: TEST_SECRET_KEY, ...env, DATABASE_URL: database.url });
  const log = createLogger(config.logLevel);
  const db = createDb(database.url, 5);
  const app = await buildApp({ config, log, db, mode: (process.env.VAFA_TEST_STORAGE as 'embedded' | 'external') ?? 'external' });
  after(async () => {
    await app.close();
    await db.destroy();
    await database.drop();
  });
  return {
    app,
    db,
    config,
    async workspace(name = `Shop ${++counter}`) {
      const ownerEmail = `owner-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const ownerPassword = 'owner-password';
      const { workspace, user } = await createWorkspace(db, { name, ownerEmail, ownerPassword });
      const secret = await createApiKey(db, workspace.id, { kind: 'secret', name: 'test', role: 'owner' });
      const write = await createApiKey(db, workspace.id, { kind: 'write', name: 'test' });
      return {
        id: workspace.id,
        ownerEmail,
        ownerPassword,
        ownerId: user.id,
        secretKey: secret.key,
        writeKey: write.key,
        api: apiClient(app, secret.key),
        async keyFor(role: Role) {
          const key = await createApiKey(db, workspace.id, { kind: 'secret', name: `test ${role}`, role });
          return apiClient(app, key.key);
        },
      };
    },
  };
}
