/**
 * Deterministic, realistic customers for the benchmark: Persian, Arabic and English names,
 * Iranian mobiles typed the ways people type them (09…, +98…, 0098…, spaced, Persian and
 * Arabic-Indic digits), emails, cities, tags and a few custom attributes.
 * Batch k is a pure function of (seed, k), so the HTTP run and the SQL baseline can regenerate
 * the same rows without holding a million of them in memory.
 */
import type { CustomerInput } from '../../src/customers/schema.ts';
import { generatePerson, personAttributes, pick, prng, typedPhone } from '../../src/demo/people.ts';

export { prng };

/** What the search phase looks for: names as stored and phones as 10-digit national numbers. */
export interface SearchTarget {
  firstName: string;
  lastName: string;
  phones: string[];
}

export interface Batch {
  customers: CustomerInput[];
  /** Every `sampleEvery`-th customer, remembered for the search phase. */
  targets: SearchTarget[];
}

/** Custom attributes the generated customers use; the benchmark defines them first. */
export const attributeDefinitions = personAttributes;

export function generateBatch(seed: number, batchIndex: number, size: number, sampleEvery: number): Batch {
  const rng = prng(seed * 1_000_003 + batchIndex);
  const customers: CustomerInput[] = [];
  const targets: SearchTarget[] = [];
  for (let j = 0; j < size; j++) {
    const n = batchIndex * size + j;
    const { customer, phones } = generatePerson(rng, n);
    customers.push(customer);
    if (n % sampleEvery === 0) targets.push({ firstName: customer.firstName ?? '', lastName: customer.lastName ?? '', phones });
  }
  return { customers, targets };
}

/** A Persian name as someone with an Arabic keyboard types it: ي for ی, ك for ک. */
export const arabicSpelling = (s: string) => s.replace(/ی/g, 'ي').replace(/ک/g, 'ك');

/** The search queries: names (half typed with Arabic letters) and phones typed in another form. */
export function searchQueries(targets: SearchTarget[], count: number, seed: number): { byName: string[]; byPhone: string[] } {
  const rng = prng(seed ^ 0x5ea4c4);
  const byName: string[] = [];
  const byPhone: string[] = [];
  const withPhones = targets.filter((t) => t.phones.length);
  for (let i = 0; i < count; i++) {
    const t = pick(rng, targets);
    const kind = rng();
    const name = kind < 0.6 ? `${t.firstName} ${t.lastName}` : kind < 0.8 ? t.lastName : t.firstName;
    byName.push(rng() < 0.5 ? arabicSpelling(name) : name);
    const p = pick(rng, withPhones);
    byPhone.push(typedPhone(pick(rng, p.phones), Math.floor(rng() * 8)));
  }
  return { byName, byPhone };
}
