/**
 * A broadcast scheduler process for the crash test (run with `node --import tsx`): argv is the
 * database URL and the owner name. It enqueues due broadcasts in small batches with a short lease
 * and runs until it is killed.
 */
import { createDb } from '../../../database.ts';
import { silentLog } from '../../delivery/testing/fixtures.ts';
import { BroadcastScheduler } from '../scheduler.ts';

const [dbUrl, owner] = process.argv.slice(2);
if (!dbUrl || !owner) throw new Error('usage: crash-enqueuer <database-url> <owner>');

const db = createDb(dbUrl, 4);
const scheduler = new BroadcastScheduler({ db, log: silentLog, kickDelivery: () => {}, owner, pollMs: 100, batchSize: 100, leaseMs: 1500 });
scheduler.start();
process.stdout.write('ready\n');
