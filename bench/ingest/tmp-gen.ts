import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { templates } from './data.ts';
const pool = templates(1, 600, 100, 10000);
const esc = (v: string | null | undefined) => (v == null ? '\\N' : v.replace(/\\/g, '\\\\'));
const N = Number(process.argv[2] ?? 3000);
const ws = process.argv[3]!;
const out: string[] = [];
for (let b = 0; b < N; b++) {
  for (const e of pool[b % pool.length]!.events) out.push([ws, randomUUID(), e.messageId.replace('~B~', String(b)), randomUUID(), e.type, esc(e.type === 'identify' ? null : (e.event ?? e.name)), esc(JSON.stringify(e.type === 'identify' ? e.traits : e.properties)), esc(JSON.stringify(e.context)), esc(e.anonymousId), esc(e.userId), e.timestamp].join('\t'));
}
fs.writeFileSync('/tmp/events.copy', out.join('\n') + '\n');
