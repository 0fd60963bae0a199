import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Deletes what has served its purpose: expired sessions, login attempts older than a day
 * (throttling looks back 15 minutes), idempotency keys older than 7 days (retries come within
 * minutes). Every statement is idempotent, so several processes may run it at once.
 */
export async function sweepExpired(db: Db): Promise<{ sessions: number; loginAttempts: number; idempotencyKeys: number }> {
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<', new Date()).executeTakeFirst();
  const attempts = await db.deleteFrom('login_attempts').where('at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  const keys = await db.deleteFrom('idempotency_keys').where('created_at', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    loginAttempts: Number(attempts.numDeletedRows),
    idempotencyKeys: Number(keys.numDeletedRows),
  };
}

/** Runs the sweep every `everyMs` until stopped. */
export function startHousekeeping(db: Db, log: Logger, everyMs = 15 * 60_000): () => void {
  const run = () =>
    sweepExpired(db).then(
      (n) => log.debug(n, 'housekeeping done'),
      (e: unknown) => log.warn({ err: e }, 'housekeeping failed'),
    );
  const timer = setInterval(run, everyMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
