import { type ColumnSpec, compareText, type Row } from '../churn/features.ts';

/**
 * Column kinds guessed from the JavaScript types of the values, for callers that hold rows
 * straight from a query (where a flag is a boolean and a count a number): a column whose
 * non-missing values are all booleans is boolean, all numbers is numeric, anything else is
 * categorical. Text is never parsed ("12" stays a category): a guess from text would flip with
 * the data. Columns come out sorted by name so the result does not depend on row order.
 *
 * @example
 * inferColumns([{ orders: 3, city: 'Tehran', vip: true }]);
 * // → [{ name: 'city', kind: 'categorical' }, { name: 'orders', kind: 'numeric' }, { name: 'vip', kind: 'boolean' }]
 */
export function inferColumns(rows: readonly Row[], exclude: readonly string[] = []): ColumnSpec[] {
  const seen = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (!seen.has(name)) seen.set(name, new Set());
      if (value === null || value === undefined) continue;
      seen.get(name)!.add(typeof value === 'number' && !Number.isFinite(value) ? 'missing' : typeof value);
    }
  }
  const skip = new Set(exclude);
  return [...seen]
    .filter(([name]) => !skip.has(name))
    .sort((x, y) => compareText(x[0], y[0]))
    .map(([name, types]): ColumnSpec => {
      types.delete('missing');
      const only = types.size === 1 ? [...types][0] : undefined;
      if (only === 'boolean') return { name, kind: 'boolean' };
      if (only === 'number' || only === 'bigint') return { name, kind: 'numeric' };
      return { name, kind: 'categorical' };
    });
}
