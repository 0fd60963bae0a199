import type { App } from '../../platform/http/server.ts';
import type { MessagingDeps } from '../index.ts';
import { runDueAlert } from './alerts.ts';
import { calendarRoutes } from './routes.ts';

/** How often this process looks for a workspace whose alert is due. */
const checkAlertsEveryMs = 60_000;

/**
 * The communication calendar: routes over contacts (messages sent, notes, done tasks), and — in
 * processes that run workers (VAFA_DELIVERY_POLL_MS > 0) — the scheduler that turns the
 * workspace's silence alert into tasks. Coordination is PostgreSQL's (SKIP LOCKED), so any number
 * of worker processes may run it.
 */
export function registerCalendar(app: App, deps: MessagingDeps): void {
  const { db, log } = deps;
  calendarRoutes(app, { db });
  if (deps.config.deliveryPollMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // Drain every due workspace, one transaction each.
      while (await runDueAlert(db)) {
        /* next */
      }
    } catch (e) {
      log.error({ err: e }, 'contact alert run failed');
    } finally {
      running = false;
    }
  };
  app.addHook('onReady', async () => {
    timer = setInterval(() => void tick(), checkAlertsEveryMs);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
