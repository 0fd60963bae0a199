import type { Services } from '../app.ts';
import { DEMO_LOGIN, loadDemo, type DemoResult } from '../demo/load.ts';

export { DEMO_LOGIN };

/**
 * `npm start` on an empty database: load the demo workspace. On a database that already has
 * workspaces, nothing is loaded; the demo login is printed only if the demo user exists.
 */
export async function ensureDemoWorkspace(services: Services): Promise<{ login: typeof DEMO_LOGIN; loaded?: DemoResult } | undefined> {
  const { db } = services;
  const existing = await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (existing) {
    const demoUser = await db.selectFrom('users').select('id').where('email', '=', DEMO_LOGIN.email).executeTakeFirst();
    return demoUser ? { login: DEMO_LOGIN } : undefined;
  }
  const loaded = await loadDemo(services, { referenceDataDir: services.config.referenceDataDir });
  return { login: DEMO_LOGIN, loaded };
}
