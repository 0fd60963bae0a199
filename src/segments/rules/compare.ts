import { sql, type RawBuilder } from 'kysely';
import { invalid } from '../../platform/errors.ts';
import {
  booleanOperators,
  dateOperators,
  enumOperators,
  listOperators,
  numberOperators,
  textOperators,
  type ValueType,
} from './schema.ts';

/** The operand fields every comparing condition carries (see schema.ts). */
export interface Operands {
  operator: string;
  value?: string | number | boolean | undefined;
  values?: (string | number)[] | undefined;
  from?: string | number | undefined;
  to?: string | number | undefined;
  days?: number | undefined;
}

/** What a comparison needs to know about where it runs. */
export interface CompareContext {
  /** Today in the workspace's time zone, YYYY-MM-DD: the anchor of relative dates. */
  today: string;
}

export type Predicate = RawBuilder<boolean>;

const operatorsOf: Record<ValueType, readonly string[]> = {
  string: textOperators,
  number: numberOperators,
  boolean: booleanOperators,
  date: dateOperators,
  enum: enumOperators,
  list: listOperators,
};

/**
 * Operators under which a missing value matches ("city is not Tehran" includes customers with no
 * city). Sub-table conditions (analytics scores, orders) use this to decide whether customers
 * without a row match.
 */
export const matchesMissing = (operator: string) => ['not_equals', 'not_in', 'not_contains', 'is_not_set'].includes(operator);

/** `%`, `_` and `\` are literal in what the user typed. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

function needString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw invalid(field, 'must be text');
}

function needNumber(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalid(field, 'must be a number');
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
function needDate(value: unknown, field: string): string {
  if (typeof value === 'string' && isoDate.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return value;
  throw invalid(field, 'must be a date YYYY-MM-DD');
}

export interface CompareOptions {
  /** Allowed values of an enum (gender, RFM segment, an enum attribute's options). */
  options?: readonly string[] | undefined;
  /** Normalises a text or list value before it is compared (emails lower-cased, phones to E.164). */
  normalise?: ((value: string) => string) | undefined;
  /** A list stored as jsonb (custom list attributes) rather than text[]. */
  jsonList?: boolean | undefined;
}

/**
 * `expr <operator> operands` as a predicate that is never NULL: a missing value makes positive
 * operators false and negated ones true, so NOT and OR of predicates mean what they say.
 * Every operand is a bind parameter with an explicit cast.
 */
export function compare(expr: RawBuilder<unknown>, type: ValueType, c: Operands, path: string, ctx: CompareContext, opts: CompareOptions = {}): Predicate {
  if (!operatorsOf[type].includes(c.operator)) {
    throw invalid(`${path}.operator`, `${c.operator} does not apply to a ${type} value; use one of ${operatorsOf[type].join(', ')}`);
  }
  const op = c.operator;
  if (op === 'is_set' || op === 'is_not_set') {
    const set =
      type === 'string' || type === 'enum'
        ? sql<boolean>`coalesce(${expr} <> '', false)`
        : type === 'list'
          ? opts.jsonList
            ? sql<boolean>`coalesce(case when jsonb_typeof(${expr}) = 'array' then jsonb_array_length(${expr}) > 0 else false end, false)`
            : sql<boolean>`coalesce(cardinality(${expr}) > 0, false)`
          : sql<boolean>`(${expr} is not null)`;
    return op === 'is_set' ? set : sql<boolean>`not ${set}`;
  }
  switch (type) {
    case 'string':
    case 'enum':
      return compareText(expr, type, c, path, opts);
    case 'number':
      return compareNumber(expr, c, path);
    case 'boolean':
      return op === 'is_true' ? sql<boolean>`coalesce(${expr}, false)` : sql<boolean>`coalesce(not ${expr}, false)`;
    case 'date':
      return compareDate(expr, c, path, ctx);
    case 'list':
      return compareList(expr, c, path, opts);
  }
}

function checkOption(value: string, field: string, opts: CompareOptions): string {
  if (opts.options && opts.options.length > 0 && !opts.options.includes(value)) {
    throw invalid(field, `${JSON.stringify(value)} is not one of ${opts.options.join(', ')}`);
  }
  return opts.normalise ? opts.normalise(value) : value;
}

function compareText(expr: RawBuilder<unknown>, type: 'string' | 'enum', c: Operands, path: string, opts: CompareOptions): Predicate {
  const text = sql`(${expr})::text`;
  if (c.operator === 'in' || c.operator === 'not_in') {
    const values = (c.values ?? []).map((v, i) => checkOption(needString(v, `${path}.values.${i}`), `${path}.values.${i}`, type === 'enum' ? opts : { normalise: opts.normalise }));
    const any = sql<boolean>`coalesce(${text} = any(${values}::text[]), false)`;
    return c.operator === 'in' ? any : sql<boolean>`not ${any}`;
  }
  const raw = needString(c.value, `${path}.value`);
  const value = type === 'enum' || c.operator === 'equals' || c.operator === 'not_equals' ? checkOption(raw, `${path}.value`, type === 'enum' ? opts : { normalise: opts.normalise }) : raw;
  switch (c.operator) {
    case 'equals':
      return sql<boolean>`coalesce(${text} = ${value}::text, false)`;
    case 'not_equals':
      return sql<boolean>`(${text} is distinct from ${value}::text)`;
    case 'contains':
      return sql<boolean>`coalesce(${text} ilike ${`%${likeEscape(value)}%`}::text, false)`;
    case 'not_contains':
      return sql<boolean>`not coalesce(${text} ilike ${`%${likeEscape(value)}%`}::text, false)`;
    case 'starts_with':
      return sql<boolean>`coalesce(${text} ilike ${`${likeEscape(value)}%`}::text, false)`;
    case 'ends_with':
      return sql<boolean>`coalesce(${text} ilike ${`%${likeEscape(value)}`}::text, false)`;
  }
  throw new Error(`unhandled text operator ${c.operator}`);
}

function compareNumber(expr: RawBuilder<unknown>, c: Operands, path: string): Predicate {
  const n = sql`(${expr})::numeric`;
  if (c.operator === 'between') {
    const from = needNumber(c.from, `${path}.from`);
    const to = needNumber(c.to, `${path}.to`);
    return sql<boolean>`coalesce(${n} between ${from}::numeric and ${to}::numeric, false)`;
  }
  const v = needNumber(c.value, `${path}.value`);
  switch (c.operator) {
    case 'equals':
      return sql<boolean>`coalesce(${n} = ${v}::numeric, false)`;
    case 'not_equals':
      return sql<boolean>`(${n} is distinct from ${v}::numeric)`;
    case 'gt':
      return sql<boolean>`coalesce(${n} > ${v}::numeric, false)`;
    case 'gte':
      return sql<boolean>`coalesce(${n} >= ${v}::numeric, false)`;
    case 'lt':
      return sql<boolean>`coalesce(${n} < ${v}::numeric, false)`;
    case 'lte':
      return sql<boolean>`coalesce(${n} <= ${v}::numeric, false)`;
  }
  throw new Error(`unhandled number operator ${c.operator}`);
}

function compareDate(expr: RawBuilder<unknown>, c: Operands, path: string, ctx: CompareContext): Predicate {
  const d = sql`(${expr})::date`;
  const today = sql`${ctx.today}::date`;
  switch (c.operator) {
    case 'on':
      return sql<boolean>`coalesce(${d} = ${needDate(c.value, `${path}.value`)}::date, false)`;
    case 'before':
      return sql<boolean>`coalesce(${d} < ${needDate(c.value, `${path}.value`)}::date, false)`;
    case 'after':
      return sql<boolean>`coalesce(${d} > ${needDate(c.value, `${path}.value`)}::date, false)`;
    case 'between':
      return sql<boolean>`coalesce(${d} between ${needDate(c.from, `${path}.from`)}::date and ${needDate(c.to, `${path}.to`)}::date, false)`;
    case 'within_last_days':
      return sql<boolean>`coalesce(${d} between ${today} - ${c.days ?? 0}::int and ${today}, false)`;
    case 'more_than_days_ago':
      return sql<boolean>`coalesce(${d} < ${today} - ${c.days ?? 0}::int, false)`;
    case 'within_next_days':
      return sql<boolean>`coalesce(${d} between ${today} and ${today} + ${c.days ?? 0}::int, false)`;
  }
  throw new Error(`unhandled date operator ${c.operator}`);
}

function compareList(expr: RawBuilder<unknown>, c: Operands, path: string, opts: CompareOptions): Predicate {
  const norm = (v: string) => (opts.normalise ? opts.normalise(v) : v);
  if (c.operator === 'in' || c.operator === 'not_in') {
    const values = (c.values ?? []).map((v, i) => norm(needString(v, `${path}.values.${i}`)));
    const any = opts.jsonList ? sql<boolean>`coalesce(jsonb_exists_any(${expr}, ${values}::text[]), false)` : sql<boolean>`coalesce(${expr} && ${values}::text[], false)`;
    return c.operator === 'in' ? any : sql<boolean>`not ${any}`;
  }
  const value = norm(needString(c.value, `${path}.value`));
  const has = opts.jsonList ? sql<boolean>`coalesce(jsonb_exists(${expr}, ${value}::text), false)` : sql<boolean>`coalesce(${expr} @> array[${value}::text], false)`;
  if (c.operator === 'contains') return has;
  if (c.operator === 'not_contains') return sql<boolean>`not ${has}`;
  throw new Error(`unhandled list operator ${c.operator}`);
}

/**
 * Whether `operator operands` holds for a customer with no rows at all, given the figure such a
 * customer has (0 orders, 0 spent; null for averages and dates). Decides between "members of
 * the rows that match" and "everyone but the rows that fail".
 */
export function holdsForNoRows(emptyValue: number | null, c: Operands): boolean {
  switch (c.operator) {
    case 'is_set':
      return false;
    case 'is_not_set':
      return true;
    case 'not_equals':
      return emptyValue === null || emptyValue !== c.value;
    case 'not_in':
    case 'not_contains':
      return true;
  }
  if (emptyValue === null) return false;
  const v = typeof c.value === 'number' ? c.value : Number.NaN;
  switch (c.operator) {
    case 'equals':
      return emptyValue === v;
    case 'gt':
      return emptyValue > v;
    case 'gte':
      return emptyValue >= v;
    case 'lt':
      return emptyValue < v;
    case 'lte':
      return emptyValue <= v;
    case 'between':
      return typeof c.from === 'number' && typeof c.to === 'number' && emptyValue >= c.from && emptyValue <= c.to;
    default:
      return false;
  }
}
