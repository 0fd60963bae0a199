import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Services } from '../app.ts';
import { bulkCreateCustomers } from '../customers/bulk.ts';
import { setConsent } from '../customers/service.ts';
import type { Actor } from '../platform/http/actor.ts';
import { ingestBatch } from '../tracking/ingest.ts';
import type { TrackedMessage } from '../tracking/messages.ts';
import { upsertProduct } from '../tracking/products.ts';
import { createWorkspace } from '../workspaces/team.ts';
import { demoCatalog, pickProduct, type DemoProduct } from './catalog.ts';
import { parseCdnow, shiftToRecent, type Transaction } from './cdnow.ts';
import { generatePerson, personAttributes, prng, type Rng } from './people.ts';

export const DEMO_LOGIN = { email: 'demo@vafa.local', password: 'vafa-demo-1234' };
export const DEMO_WORKSPACE = 'Demo Shop';

export interface DemoResult {
  workspaceId: string;
  source: 'cdnow' | 'generated';
  customers: number;
  orders: number;
  events: number;
}

/** ../shared/data/cdnow/CDNOW_sample.txt beside the project, or undefined when it is not there. */
export function cdnowPath(referenceDataDir: string): string | undefined {
  const file = path.join(referenceDataDir, 'cdnow', 'CDNOW_sample.txt');
  return fs.existsSync(file) ? file : undefined;
}

/**
 * Made-up purchase histories when the reference data is absent: each customer buys first in the
 * first quarter, then repeats at a personal rate until they silently drop out (the pattern the
 * CDNOW data shows), over the 18 months before `end`.
 */
export function generateTransactions(customers: number, end: Date, seed = 7): Transaction[] {
  const rng = prng(seed);
  const start = end.getTime() - 548 * 86_400_000;
  const out: Transaction[] = [];
  for (let c = 1; c <= customers; c++) {
    let t = start + rng() * 84 * 86_400_000;
    const weeklyRate = 0.01 + rng() * rng() * 0.25;
    const dropout = 0.05 + rng() * 0.4;
    for (;;) {
      const quantity = 1 + Math.floor(rng() * rng() * 6);
      out.push({ customer: String(c), date: new Date(t), quantity, cents: Math.round(quantity * (999 + rng() * 900)) });
      if (rng() < dropout) break;
      t += (-Math.log(1 - rng()) / weeklyRate) * 7 * 86_400_000;
      if (t > end.getTime()) break;
    }
  }
  return out;
}

function lines(rng: Rng, catalog: DemoProduct[], tx: Transaction) {
  const each = Math.floor(tx.cents / tx.quantity);
  return Array.from({ length: tx.quantity }, (_, i) => {
    const p = pickProduct(rng, catalog);
    const cents = i === tx.quantity - 1 ? tx.cents - each * (tx.quantity - 1) : each;
    return { product_id: p.id, name: p.name, category: p.category, price: cents / 100, quantity: 1 };
  });
}

/** Browsing, cart and order events around each purchase, with deterministic message ids. */
function eventsFor(userId: string, txs: Transaction[], catalog: DemoProduct[], rng: Rng): TrackedMessage[] {
  const out: TrackedMessage[] = [];
  let n = 0;
  const msg = (type: TrackedMessage['type'], name: string | null, at: number, properties: Record<string, unknown> = {}, anonymousId: string | null = null): TrackedMessage => ({
    type,
    messageId: `demo:${userId}:${n++}`,
    userId: anonymousId ? null : userId,
    anonymousId,
    name,
    properties,
    traits: {},
    context: { library: { name: 'vafa-demo' } },
    groupId: null,
    previousId: null,
    occurredAt: new Date(at),
  });
  // Some customers browsed anonymously before their first order, then logged in.
  const first = txs[0] as Transaction;
  if (rng() < 0.4) {
    const anon = `demo-anon-${userId}`;
    const t0 = first.date.getTime() - 3 * 3_600_000;
    out.push(msg('page', 'Home', t0, { path: '/' }, anon));
    out.push(msg('track', 'Product Viewed', t0 + 60_000, { product_id: pickProduct(rng, catalog).id }, anon));
    out.push({ ...msg('identify', null, t0 + 120_000), anonymousId: anon });
  }
  txs.forEach((tx, k) => {
    const at = tx.date.getTime();
    const items = lines(rng, catalog, tx);
    out.push(msg('page', 'Catalog', at - 40 * 60_000, { path: `/genre/${items[0]?.category.toLowerCase()}` }));
    for (const item of items.slice(0, 3)) out.push(msg('track', 'Product Viewed', at - 30 * 60_000, { product_id: item.product_id, name: item.name, price: item.price, currency: 'USD' }));
    out.push(msg('track', 'Product Added', at - 20 * 60_000, { product_id: items[0]?.product_id, quantity: tx.quantity }));
    out.push(msg('track', 'Checkout Started', at - 10 * 60_000, { value: tx.cents / 100, currency: 'USD' }));
    out.push(msg('track', 'Order Completed', at, { order_id: `demo-${userId}-${k + 1}`, total: tx.cents / 100, currency: 'USD', products: items }));
  });
  // A cart left behind after the last order, for abandonment journeys.
  if (rng() < 0.15) {
    const last = (txs.at(-1) as Transaction).date.getTime() + 20 * 86_400_000;
    const p = pickProduct(rng, catalog);
    out.push(msg('track', 'Product Added', last, { product_id: p.id, name: p.name, price: p.cents / 100, currency: 'USD' }));
    out.push(msg('track', 'Cart Viewed', last + 60_000, { products: [{ product_id: p.id }] }));
  }
  return out;
}

/**
 * The demo workspace: the CDNOW sample's purchases (or made-up ones when ../shared/data is
 * absent) as orders placed through Order Completed events, with browsing and cart events
 * around them, generated profiles and consents, and a record-shop catalog. Safe to run again:
 * ids are deterministic, so a second run adds nothing.
 */
export async function loadDemo(
  services: Services,
  opts: { referenceDataDir: string; forceGenerated?: boolean; generatedCustomers?: number },
): Promise<DemoResult> {
  const { db } = services;
  const file = opts.forceGenerated ? undefined : cdnowPath(opts.referenceDataDir);
  const txs = file ? shiftToRecent(parseCdnow(file), new Date()) : generateTransactions(opts.generatedCustomers ?? 2000, new Date());
  const source = file ? 'cdnow' : 'generated';
  const prefix = file ? 'cdnow-' : 'demo-';

  const existing = await db.selectFrom('workspaces').select('id').where('name', '=', DEMO_WORKSPACE).orderBy('created_at').executeTakeFirst();
  const workspaceId =
    existing?.id ??
    (await createWorkspace(db, { name: DEMO_WORKSPACE, ownerEmail: DEMO_LOGIN.email, ownerPassword: DEMO_LOGIN.password, ownerName: 'Demo Owner' })).workspace.id;
  const actor: Actor = { workspaceId, role: 'owner', type: 'system', id: null, label: 'demo loader' };
  await db.updateTable('workspaces').set({ settings: JSON.stringify({ displayCurrency: 'USD', defaultCountry: 'IR', timezone: 'Asia/Tehran' }) }).where('id', '=', workspaceId).execute();
  for (const def of personAttributes) {
    await sql`insert into attribute_definitions (workspace_id, key, label, type, options) values (${workspaceId}, ${def.key}, ${def.label}, ${def.type}, ${'options' in def ? def.options : []})
              on conflict do nothing`.execute(db);
  }

  const catalog = demoCatalog();
  for (const p of catalog) await upsertProduct(db, workspaceId, p.id, { name: p.name, category: p.category, price: p.cents / 100, currency: 'USD', inStock: true }, 'USD');

  const byCustomer = new Map<string, Transaction[]>();
  for (const tx of txs) byCustomer.set(tx.customer, [...(byCustomer.get(tx.customer) ?? []), tx]);
  const ids = [...byCustomer.keys()];
  const known = new Set(
    (await db.selectFrom('customers').select('external_id').where('workspace_id', '=', workspaceId).where('external_id', 'is not', null).execute()).map((r) => r.external_id),
  );
  const fresh = ids.filter((id) => !known.has(`${prefix}${id}`));
  for (let i = 0; i < fresh.length; i += 1000) {
    const chunk = fresh.slice(i, i + 1000);
    const inputs = chunk.map((id) => ({ ...generatePerson(prng(Number(id) * 7919), Number(id)).customer, externalId: `${prefix}${id}` }));
    const { ids: created } = await bulkCreateCustomers(db, actor, inputs, { defaultCountry: 'IR', source: 'demo' });
    await db.transaction().execute(async (tx) => {
      for (const [j, customerId] of created.entries()) {
        const rng = prng(Number(chunk[j]) * 31);
        if (inputs[j]?.emails?.length && rng() < 0.75) await setConsent(tx, actor, customerId, 'email', { status: 'granted', source: 'demo: checkout form' });
        if (inputs[j]?.phones?.length && rng() < 0.6) await setConsent(tx, actor, customerId, 'sms', { status: rng() < 0.9 ? 'granted' : 'revoked', source: 'demo: SMS keyword' });
      }
    });
  }

  let events = 0;
  let batch: TrackedMessage[] = [];
  const flush = async () => {
    if (batch.length) events += (await ingestBatch(services, workspaceId, batch)).stored;
    batch = [];
  };
  for (const id of ids) {
    const userId = `${prefix}${id}`;
    batch.push(...eventsFor(userId, (byCustomer.get(id) as Transaction[]).sort((a, b) => a.date.getTime() - b.date.getTime()), catalog, prng(Number(id) * 104_729)));
    if (batch.length >= 1000) await flush();
  }
  await flush();
  await services.schema.flush();
  const orders = await db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return { workspaceId, source, customers: ids.length, orders: Number(orders.n), events };
}
