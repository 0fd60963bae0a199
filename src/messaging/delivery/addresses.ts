import type { Db } from '../../database.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { toE164 } from '../../platform/text/phone.ts';
import { defaultCountry, findLiveCustomer } from '../../customers/service.ts';
import type { z } from 'zod';
import type { addressKinds, putAddressSchema } from './schemas.ts';

type AddressKind = (typeof addressKinds)[number];

/** Telegram/Bale/Rubika chat ids are integers (negative for groups); Eitaa channel ids too, or @names. */
const chatId = /^-?\d{1,20}$/;
const eitaaId = /^(-?\d{1,20}|@?[A-Za-z][\w]{3,63})$/;

/** The stored form of an address, or a 400 naming the field. */
export function normalizeAddress(kind: AddressKind, body: z.infer<typeof putAddressSchema>, country: string): string {
  if (kind === 'webpush') {
    if (!body.subscription) throw invalid('subscription', 'a web push address is the browser\'s PushSubscription (endpoint and keys)');
    return JSON.stringify(body.subscription);
  }
  if (body.subscription) throw invalid('subscription', `only web push takes a subscription; give ${kind} an address`);
  const address = body.address;
  if (!address) throw invalid('address', `give the ${kind} address`);
  if (kind === 'whatsapp') {
    const phone = toE164(address, country);
    if (!phone.ok) throw invalid('address', `"${address}" ${phone.error}`);
    return phone.value;
  }
  if (kind === 'eitaa' ? !eitaaId.test(address) : !chatId.test(address)) throw invalid('address', `"${address}" is not a ${kind} chat id`);
  return address;
}

const view = (r: { kind: string; address: string; status: 'active' | 'invalid'; updated_at: Date }) => ({
  kind: r.kind as AddressKind,
  address: r.address,
  status: r.status,
  updatedAt: r.updated_at.toISOString(),
});

/** Sets the customer's address of a kind (a new one is active again, even if the old one was invalid). */
export async function putAddress(db: Db, workspaceId: string, customerId: string, kind: AddressKind, body: z.infer<typeof putAddressSchema>, fallbackCountry: string) {
  await findLiveCustomer(db, workspaceId, customerId);
  const address = normalizeAddress(kind, body, kind === 'whatsapp' ? await defaultCountry(db, workspaceId, fallbackCountry) : fallbackCountry);
  const row = await db
    .insertInto('customer_addresses')
    .values({ workspace_id: workspaceId, customer_id: customerId, kind, address, status: 'active', updated_at: new Date() })
    .onConflict((oc) => oc.columns(['customer_id', 'kind']).doUpdateSet({ address, status: 'active', updated_at: new Date() }))
    .returning(['kind', 'address', 'status', 'updated_at'])
    .executeTakeFirstOrThrow();
  return view(row);
}

export async function deleteAddress(db: Db, workspaceId: string, customerId: string, kind: AddressKind): Promise<void> {
  await findLiveCustomer(db, workspaceId, customerId);
  const r = await db.deleteFrom('customer_addresses').where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).where('kind', '=', kind).executeTakeFirst();
  if (!r.numDeletedRows) throw notFound('Address');
}
