import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { RecipientVariant, StoredVariant } from './tables.ts';

/**
 * Deterministic A/B assignment: a customer's position u ∈ [0, 1) is the first 32 bits of
 * md5("<broadcast id>:<customer id>") ÷ 2³². The holdout takes u < holdout%; the rest of [0, 1) is
 * split among the variants by weight. The same broadcast and customer always land in the same
 * arm (a restarted send, a re-read report), and different broadcasts shuffle independently.
 * The SQL below and `assignVariant` compute the same thing (tested against each other).
 */
export function positionOf(broadcastId: string, customerId: string): number {
  const digest = createHash('md5').update(`${broadcastId}:${customerId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Upper bounds of each arm on [0, 1): the holdout first, then each variant by cumulative weight. */
export function armBounds(variants: readonly StoredVariant[], holdoutPercent: number): { arm: RecipientVariant; below: number }[] {
  const holdout = holdoutPercent / 100;
  const total = variants.reduce((s, v) => s + v.weight, 0);
  const arms: { arm: RecipientVariant; below: number }[] = holdout > 0 ? [{ arm: 'holdout', below: holdout }] : [];
  let cumulative = 0;
  variants.forEach((v, i) => {
    cumulative += v.weight;
    // The last variant's bound is exactly 1, whatever rounding did to the sum.
    arms.push({ arm: v.key, below: i === variants.length - 1 ? 1 : holdout + (1 - holdout) * (cumulative / total) });
  });
  return arms;
}

export function assignVariant(broadcastId: string, customerId: string, variants: readonly StoredVariant[], holdoutPercent: number): RecipientVariant {
  const u = positionOf(broadcastId, customerId);
  const arms = armBounds(variants, holdoutPercent);
  return (arms.find((a) => u < a.below) ?? arms[arms.length - 1])?.arm as RecipientVariant;
}

/** The same assignment as an SQL expression over a column holding the customer id. */
export function variantSql(broadcastId: string, customerColumn: RawBuilder<unknown>, variants: readonly StoredVariant[], holdoutPercent: number): RawBuilder<RecipientVariant> {
  const u = sql`(('x' || substr(md5(${broadcastId}::text || ':' || ${customerColumn}::text), 1, 8))::bit(32)::bigint::float8 / 4294967296.0)`;
  const arms = armBounds(variants, holdoutPercent);
  const last = arms[arms.length - 1]?.arm as RecipientVariant;
  const whens = arms.slice(0, -1).map((a) => sql`when ${u} < ${a.below}::float8 then ${a.arm}`);
  if (whens.length === 0) return sql<RecipientVariant>`${last}::text`;
  return sql<RecipientVariant>`(case ${sql.join(whens, sql` `)} else ${last}::text end)`;
}
