/**
 * Deterministic tracking traffic for the ingest benchmark: a shop's mix of page views, product
 * and cart events, searches, the odd order, and identify calls, from ~10,000 people. Some browse
 * anonymously first and identify later (their events carry an anonymousId, then both ids, as
 * analytics.js sends them); some are only ever seen by the shop's server (userId only); some stay
 * anonymous visitors.
 *
 * A run posts many batches, so batches are built from a pool of templates: a template is a
 * 100-event batch serialised once, with a placeholder where each send puts its batch number
 * (messageIds and order ids), so sending costs a string join, not a JSON.stringify. The pool
 * covers every user several times, so the identity work (new visitors, anonymous → identify
 * folds) happens in the first pass, as in a shop's first minutes with Vafa, and then settles;
 * after that, 2 % of the events still come from new visitors (a new anonymousId in every send).
 */
import { prng } from '../customers/data.ts';

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Where each send writes its batch number. */
export const BATCH_TOKEN = '~B~';

export interface BenchEvent {
  type: 'track' | 'page' | 'identify';
  messageId: string;
  userId?: string;
  anonymousId?: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: string;
}

export interface Template {
  events: BenchEvent[];
  /** The request body split at BATCH_TOKEN: `parts.join(String(batchNumber))` is the body. */
  parts: string[];
}

interface Person {
  index: number;
  userId: string | null;
  anonymousId: string | null;
  /** Server-side events only (userId, no anonymousId). */
  server: boolean;
  identified: boolean;
  email: string;
  firstName: string;
  lastName: string;
}

const firstNames = ['Ali', 'Sara', 'Reza', 'Maryam', 'Omid', 'Neda', 'Kian', 'Yasmin', 'Ahmad', 'Layla', 'Omar', 'Fatima', 'John', 'Emma'];
const lastNames = ['Karimi', 'Ahmadi', 'Rezaei', 'Hosseini', 'Mousavi', 'Kazemi', 'Al-Farsi', 'Haddad', 'Nasser', 'Smith', 'Brown'];
const categories = ['Shoes', 'Bags', 'Dresses', 'Shirts', 'Watches', 'Perfume', 'Books', 'Phones', 'Toys', 'Kitchen'];
const pages = [
  ['Home', '/'],
  ['Category', '/c/'],
  ['Product', '/p/'],
  ['Cart', '/cart'],
  ['Search', '/search'],
  ['Blog', '/blog/'],
  ['Account', '/account'],
] as const;
const agents = [
  'Mozilla/5.0 (Linux; Android 13; SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
];
const locales = ['fa-IR', 'fa-IR', 'fa-IR', 'ar-SA', 'ar-AE', 'en-US'];
const PRODUCTS = 2000;
/** Share of events from someone never seen before (a first page view), in every batch sent. */
const NEW_VISITORS = 0.02;

const newVisitor = (t: number, i: number): Person => ({
  index: 10_000_000 + t * 1000 + i,
  userId: null,
  anonymousId: `anon-new-${t}-${BATCH_TOKEN}-${i}`,
  server: false,
  identified: false,
  email: '',
  firstName: '',
  lastName: '',
});

function people(rng: Rng, n: number): Person[] {
  return Array.from({ length: n }, (_, index) => {
    const r = rng();
    // 45 % start anonymous and identify later, 25 % server-side known users, 30 % visitors only.
    const kind = r < 0.45 ? 'browser' : r < 0.7 ? 'server' : 'visitor';
    const firstName = pick(rng, firstNames);
    const lastName = pick(rng, lastNames);
    return {
      index,
      userId: kind === 'visitor' ? null : `user-${index}`,
      anonymousId: kind === 'server' ? null : `anon-${index.toString(36)}-${Math.floor(rng() * 1e9).toString(36)}`,
      server: kind === 'server',
      identified: kind === 'server',
      email: `${firstName}.${lastName}.${index}@example.com`.toLowerCase(),
      firstName,
      lastName,
    };
  });
}

function product(rng: Rng) {
  const id = Math.floor(rng() ** 2 * PRODUCTS); // popular products are seen more often
  return {
    product_id: `sku-${id}`,
    sku: `SKU-${id}`,
    name: `Product ${id}`,
    category: categories[id % categories.length],
    price: 100_000 + (id % 97) * 25_000,
    currency: 'IRR',
  };
}

/** One event of `p`, advancing their state (identify happens once for browser users). */
function eventOf(rng: Rng, p: Person, messageId: string, orderRef: string, at: string): BenchEvent {
  const ids = (): Pick<BenchEvent, 'userId' | 'anonymousId'> =>
    p.server ? { userId: p.userId! } : p.identified && p.userId ? { userId: p.userId, anonymousId: p.anonymousId! } : { anonymousId: p.anonymousId! };
  const page = pick(rng, pages);
  const context: Record<string, unknown> = {
    ip: `5.${p.index % 250}.${(p.index >> 3) % 250}.${p.index % 199}`,
    locale: locales[p.index % locales.length],
    library: { name: p.server ? 'analytics-node' : 'analytics.js', version: p.server ? '3.1.0' : '5.2.0' },
  };
  if (!p.server) {
    context.userAgent = agents[p.index % agents.length];
    context.page = { path: page[1], url: `https://shop.example${page[1]}`, referrer: rng() < 0.3 ? 'https://www.google.com/' : '' };
  }
  const base = { messageId, context, timestamp: at };
  const r = rng();
  // Browser users identify the first time they are picked after a few anonymous events.
  if (!p.server && p.userId && !p.identified && rng() < 0.25) {
    p.identified = true;
    return { ...base, type: 'identify', userId: p.userId, anonymousId: p.anonymousId!, traits: traitsOf(p) };
  }
  if (r < 0.02 && p.userId && (p.identified || p.server)) return { ...base, type: 'identify', ...ids(), traits: traitsOf(p) };
  if (r < 0.4) {
    return { ...base, type: 'page', ...ids(), name: page[0], properties: { path: page[1], title: `${page[0]} | Shop`, url: `https://shop.example${page[1]}` } };
  }
  if (r < 0.62) return { ...base, type: 'track', ...ids(), event: 'Product Viewed', properties: { ...product(rng), position: Math.floor(rng() * 24) } };
  if (r < 0.7) return { ...base, type: 'track', ...ids(), event: 'Product Added', properties: { ...product(rng), quantity: 1 + Math.floor(rng() * 3), cart_id: `cart-${p.index}` } };
  if (r < 0.75) return { ...base, type: 'track', ...ids(), event: 'Cart Viewed', properties: { cart_id: `cart-${p.index}`, products: [product(rng), product(rng)] } };
  if (r < 0.78) return { ...base, type: 'track', ...ids(), event: 'Checkout Started', properties: { order_id: `chk-${orderRef}`, value: 1_250_000, currency: 'IRR' } };
  if (r < 0.785 && p.userId && (p.identified || p.server)) {
    const items = [product(rng), { ...product(rng), quantity: 2 }];
    const total = items.reduce((s, x) => s + x.price * ((x as { quantity?: number }).quantity ?? 1), 0);
    return { ...base, type: 'track', ...ids(), event: 'Order Completed', properties: { order_id: `ord-${orderRef}`, total, currency: 'IRR', products: items } };
  }
  if (r < 0.88) return { ...base, type: 'track', ...ids(), event: 'Products Searched', properties: { query: pick(rng, categories).toLowerCase() } };
  if (r < 0.95) return { ...base, type: 'track', ...ids(), event: 'Button Clicked', properties: { label: pick(rng, ['buy', 'wishlist', 'share', 'size guide']), section: page[0] } };
  return { ...base, type: 'track', ...ids(), event: 'Video Played', properties: { video_id: `v-${Math.floor(rng() * 50)}`, position: Math.floor(rng() * 120) } };
}

/** The traits a person's identify calls carry: the same each time, as analytics.js resends its cached traits. */
function traitsOf(p: Person): Record<string, unknown> {
  const traits: Record<string, unknown> = { email: p.email, firstName: p.firstName, lastName: p.lastName, plan: ['free', 'silver', 'gold'][p.index % 3] };
  if (p.index % 2 === 0) traits.phone = `0912${String(1_000_000 + p.index).slice(-7)}`;
  return traits;
}

/**
 * `count` templates of `size` events from `users` people (seeded). Timestamps fall in the last
 * ten minutes before `now`, so every event lands in the current month's partition or the last.
 */
export function templates(seed: number, count: number, size: number, users: number, now = Date.now()): Template[] {
  const rng = prng(seed);
  const crowd = people(rng, users);
  const out: Template[] = [];
  for (let t = 0; t < count; t++) {
    const events: BenchEvent[] = [];
    for (let i = 0; i < size; i++) {
      // A new visitor in every send: their anonymousId carries the batch number.
      const p = rng() < NEW_VISITORS ? newVisitor(t, i) : crowd[Math.floor(rng() * crowd.length)]!;
      const at = new Date(now - Math.floor(rng() * 600_000)).toISOString();
      events.push(eventOf(rng, p, `m-${t}-${BATCH_TOKEN}-${i}`, `${t}-${BATCH_TOKEN}-${i}`, at));
    }
    out.push({ events, parts: JSON.stringify({ batch: events }).split(BATCH_TOKEN) });
  }
  return out;
}
