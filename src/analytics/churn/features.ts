/**
 * Turns customer rows (plain objects, as read from a CSV or a query) into a numeric design
 * matrix for the churn model. The encoder is fitted on the training rows only and kept with the
 * model, so a customer scored later is encoded exactly as the training rows were: same means,
 * same scales, same category levels.
 *
 * - numeric: standardised with the training mean and (population) sd; a missing value becomes
 *   the mean, and a `name:missing` 0/1 column is added only when the training rows had a gap
 *   (otherwise it would be a constant column that says nothing).
 * - boolean: 0/1, not standardised; missing → the training share, with the same indicator rule.
 * - categorical: one-hot, no level dropped (the L2 penalty makes the full set identifiable);
 *   a level not seen in training, or a missing value, encodes as all zeros.
 *
 * @example
 * const { encoder, matrix } = encodeFeatures(rows, [{ name: 'tenure', kind: 'numeric' }, { name: 'Contract', kind: 'categorical' }]);
 * const later = applyEncoder(encoder, newRows); // same columns, same scaling
 */

export type ColumnKind = 'numeric' | 'categorical' | 'boolean';
export interface ColumnSpec {
  /** Key of the value in each row. */
  name: string;
  kind: ColumnKind;
}
export type FeatureSpec = readonly ColumnSpec[];

export interface EncoderOptions {
  /**
   * Most levels a categorical column gets (the most frequent ones in training; the rest encode
   * as all zeros). Keeps a free-text-like column such as city from adding hundreds of columns.
   * Default 50.
   */
  maxLevels?: number;
}

export type EncodedColumn =
  | { kind: 'numeric'; name: string; mean: number; scale: number; missingIndicator: boolean }
  | { kind: 'boolean'; name: string; fill: number; missingIndicator: boolean }
  | { kind: 'categorical'; name: string; levels: string[] };

/** A fitted encoder: plain data (JSON-serialisable), stored with the model. */
export interface FeatureEncoder {
  columns: EncodedColumn[];
  /** Name of each output column, in matrix order: `tenure`, `tenure:missing`, `Contract=One year`. */
  featureNames: string[];
}

/** Row-major dense matrix: value of row i, feature j is `values[i * featureCount + j]`. */
export interface DesignMatrix {
  rowCount: number;
  featureCount: number;
  values: Float64Array;
}

export type Row = Readonly<Record<string, unknown>>;

const DEFAULT_MAX_LEVELS = 50;

/** A finite number from a number or numeric text; undefined for blanks, text and non-finite values. */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

const TRUE_TEXT = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE_TEXT = new Set(['false', 'no', 'n', '0', 'f']);

/** true/false from booleans, 0/1 and yes/no/true/false text; undefined when it is none of them. */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (TRUE_TEXT.has(text)) return true;
    if (FALSE_TEXT.has(text)) return false;
  }
  return undefined;
}

/** A category label; undefined for null, undefined and blank text. */
export function readCategory(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim() : String(value);
  return text === '' ? undefined : text;
}

/** Learns means, scales and levels from `rows` (the training rows only). */
export function fitEncoder(rows: readonly Row[], spec: FeatureSpec, options: EncoderOptions = {}): FeatureEncoder {
  const maxLevels = options.maxLevels ?? DEFAULT_MAX_LEVELS;
  const columns = spec.map((column) => fitColumn(rows, column, maxLevels));
  return { columns, featureNames: columns.flatMap(outputNames) };
}

function fitColumn(rows: readonly Row[], column: ColumnSpec, maxLevels: number): EncodedColumn {
  switch (column.kind) {
    case 'numeric':
      return fitNumeric(rows, column.name);
    case 'boolean':
      return fitBoolean(rows, column.name);
    case 'categorical':
      return fitCategorical(rows, column.name, maxLevels);
  }
}

/** Encodes `rows` with a fitted encoder. Every value of the result is finite. */
export function applyEncoder(encoder: FeatureEncoder, rows: readonly Row[]): DesignMatrix {
  const featureCount = encoder.featureNames.length;
  const values = new Float64Array(rows.length * featureCount);
  const levelIndex = encoder.columns.map((c) => (c.kind === 'categorical' ? new Map(c.levels.map((level, i) => [level, i])) : undefined));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let j = i * featureCount;
    for (let c = 0; c < encoder.columns.length; c++) {
      const column = encoder.columns[c]!;
      const raw = row[column.name];
      if (column.kind === 'numeric') {
        const x = readNumber(raw);
        values[j++] = x === undefined ? 0 : (x - column.mean) / column.scale;
        if (column.missingIndicator) values[j++] = x === undefined ? 1 : 0;
      } else if (column.kind === 'boolean') {
        const b = readBoolean(raw);
        values[j++] = b === undefined ? column.fill : b ? 1 : 0;
        if (column.missingIndicator) values[j++] = b === undefined ? 1 : 0;
      } else {
        const category = readCategory(raw);
        const hit = category === undefined ? undefined : levelIndex[c]!.get(category);
        if (hit !== undefined) values[j + hit] = 1;
        j += column.levels.length;
      }
    }
  }
  return { rowCount: rows.length, featureCount, values };
}

/** Fits an encoder on `rows` and encodes them: the usual first step of training. */
export function encodeFeatures(
  rows: readonly Row[],
  spec: FeatureSpec,
  options: EncoderOptions = {},
): { encoder: FeatureEncoder; matrix: DesignMatrix } {
  const encoder = fitEncoder(rows, spec, options);
  return { encoder, matrix: applyEncoder(encoder, rows) };
}

function outputNames(column: EncodedColumn): string[] {
  switch (column.kind) {
    case 'numeric':
    case 'boolean':
      return column.missingIndicator ? [column.name, `${column.name}:missing`] : [column.name];
    case 'categorical':
      return column.levels.map((level) => `${column.name}=${level}`);
  }
}

function fitNumeric(rows: readonly Row[], name: string): EncodedColumn {
  let count = 0;
  let sum = 0;
  for (const row of rows) {
    const x = readNumber(row[name]);
    if (x === undefined) continue;
    count++;
    sum += x;
  }
  const mean = count ? sum / count : 0;
  let squares = 0;
  for (const row of rows) {
    const x = readNumber(row[name]);
    if (x !== undefined) squares += (x - mean) ** 2;
  }
  const sd = count ? Math.sqrt(squares / count) : 0;
  // A constant (or empty) column gets scale 1: it encodes as all zeros, and L2 keeps its weight at 0.
  const scale = sd > 1e-12 * Math.max(1, Math.abs(mean)) && Number.isFinite(sd) ? sd : 1;
  return { kind: 'numeric', name, mean, scale, missingIndicator: count < rows.length };
}

function fitBoolean(rows: readonly Row[], name: string): EncodedColumn {
  let count = 0;
  let trues = 0;
  for (const row of rows) {
    const b = readBoolean(row[name]);
    if (b === undefined) continue;
    count++;
    if (b) trues++;
  }
  return { kind: 'boolean', name, fill: count ? trues / count : 0, missingIndicator: count < rows.length };
}

function fitCategorical(rows: readonly Row[], name: string, maxLevels: number): EncodedColumn {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const category = readCategory(row[name]);
    if (category !== undefined) counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const byFrequency = [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  const levels = byFrequency
    .slice(0, maxLevels)
    .map(([level]) => level)
    .sort(compareText);
  return { kind: 'categorical', name, levels };
}

/** Code-point order: the same on every machine and locale, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
