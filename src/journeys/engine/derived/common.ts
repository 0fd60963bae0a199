import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../../database.ts';
import { timeZoneSchema } from '../../../messaging/delivery/settings.ts';
import { toMajor } from '../../../tracking/money.ts';
import type { ScanInput } from '../triggers.ts';

/**
 * Each scan re-reads this much before where the last one stopped: a row carries its transaction's
 * start time and may commit after a scan already read past it. Entry keys make a re-read free.
 */
export const OVERLAP_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Where a scan of moments (a silence reaching N days, a cart left for N hours) starts: just
 * before the last scan's end, or the activation on the first scan — a journey reacts to moments
 * that come after it was activated, not to every cart ever left.
 */
export function momentsSince(input: ScanInput): Date {
  const from = input.cursor && input.cursor > input.activatedAt ? input.cursor : input.activatedAt;
  return new Date(from.getTime() - OVERLAP_MS);
}

/** `key` has not started a run of this journey yet (the unique (journey_id, entry_key) index answers). */
export const keyUnused = (journeyId: string, key: RawBuilder<unknown>) =>
  sql`not exists (select 1 from journey_runs r where r.journey_id = ${journeyId}::uuid and r.entry_key = ${key})`;

/** A timestamp as text with microseconds, stable for keys: 2026-01-02T03:04:05.678901Z. */
export const isoText = (ts: RawBuilder<unknown>) => sql<string>`to_char(${ts} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

let zones: Promise<string[]> | undefined;
/**
 * The time zone names both PostgreSQL and the messaging settings accept: a customer's own zone
 * is used only when it is one of them (else the workspace's), as wait_until_time does. Read once
 * per process — the list changes with a server upgrade, not at run time.
 */
export function knownZones(db: Db): Promise<string[]> {
  zones ??= sql<{ name: string }>`select name from pg_timezone_names`
    .execute(db)
    .then((r) => r.rows.map((x) => x.name).filter((n) => timeZoneSchema.safeParse(n).success))
    .catch((e: unknown) => {
      zones = undefined;
      throw e;
    });
  return zones;
}

export interface ProductContext {
  id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  currency: string | null;
  url: string | null;
  imageUrl: string | null;
  inStock: boolean | null;
}

/** Catalog rows (PUT /api/v1/products/{id}) for a scan's context, by id. */
export async function catalogProducts(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, ProductContext>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('products')
    .select(['id', 'name', 'category', 'price_minor', 'currency', 'url', 'image_url', 'in_stock'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((p) => [
      p.id,
      {
        id: p.id,
        name: p.name,
        category: p.category,
        price: p.price_minor === null || !p.currency ? null : toMajor(Number(p.price_minor), p.currency),
        currency: p.currency,
        url: p.url,
        imageUrl: p.image_url,
        inStock: p.in_stock,
      },
    ]),
  );
}
