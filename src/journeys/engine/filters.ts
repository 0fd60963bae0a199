import { isDeepStrictEqual } from 'node:util';
import type { PropertyFilter } from '../../segments/rules/schema.ts';

/**
 * Property filters of segment rules (segments/rules/compile.ts `propertyFilter`, there in SQL)
 * evaluated on one object in memory, with the same meaning: the engine checks events it has
 * already read and a run's context, so a round trip per check would buy nothing.
 */
export function matchesFilters(properties: Record<string, unknown>, filters: readonly PropertyFilter[] | undefined): boolean {
  return (filters ?? []).every((f) => matchesFilter(properties, f));
}

function valueAt(properties: Record<string, unknown>, path: string): unknown {
  let at: unknown = properties;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

export function matchesFilter(properties: Record<string, unknown>, f: PropertyFilter): boolean {
  const v = valueAt(properties, f.path);
  const expected = f.value ?? null;
  switch (f.operator) {
    case 'exists':
      return v !== undefined;
    case 'not_exists':
      return v === undefined;
    case 'equals':
      return v !== undefined && isDeepStrictEqual(v, expected);
    case 'not_equals':
      return v === undefined || !isDeepStrictEqual(v, expected);
    case 'contains':
      if (Array.isArray(v)) return v.some((x) => isDeepStrictEqual(x, expected));
      return typeof v === 'string' && v.toLowerCase().includes(String(f.value).toLowerCase());
    default: {
      if (typeof v !== 'number') return false;
      const n = Number(f.value);
      return f.operator === 'gt' ? v > n : f.operator === 'gte' ? v >= n : f.operator === 'lt' ? v < n : v <= n;
    }
  }
}
