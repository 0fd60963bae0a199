/**
 * A journey engine process for the crash test (run with `node --import tsx`): argv is the
 * database URL. It advances due runs in small chunks and runs until it is killed.
 */
import { createDb } from '../../database.ts';
import { silentLog } from '../../messaging/delivery/testing/fixtures.ts';
import { TriggerRegistry } from '../engine/triggers.ts';
import { JourneyEngine } from '../engine/worker.ts';

const [dbUrl] = process.argv.slice(2);
if (!dbUrl) throw new Error('usage: crash-engine <database-url>');

const db = createDb(dbUrl, 4);
const engine = new JourneyEngine({ db, log: silentLog, triggers: new TriggerRegistry(), defaultCountry: 'IR', tickMs: 50, chunk: 25 });
engine.start();
process.stdout.write('ready\n');
