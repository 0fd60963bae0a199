/**
 * Recency/frequency data as struct-of-arrays (one Float64Array per column), the input of every
 * transaction model here, plus the compression that makes a million-customer fit cheap:
 * customers with the same (x, t_x, T) contribute the same likelihood term, so they are merged
 * into one row with a weight.
 */

/**
 * One row per customer (or per group of identical customers when `weight` is given).
 * Units of t_x and T are up to the caller (weeks in the reference tests, days in the app); the
 * fitted scale parameters (α, β) come back in the same unit.
 */
export interface RfData {
  /** x: number of repeat transactions in the calibration period (first purchase excluded) */
  x: Float64Array;
  /** t_x: time from first purchase to last repeat purchase (0 when x = 0) */
  tx: Float64Array;
  /** T: time from first purchase to the end of the calibration period */
  T: Float64Array;
  /** how many customers each row stands for; 1 each when absent */
  weight?: Float64Array;
}

/** One customer's recency/frequency summary, for the closed-form expectations. */
export interface RfCustomer {
  x: number;
  tx: number;
  T: number;
}

/** `compressRf` output: every row is a distinct (x, t_x, T) tuple with the customers it merges. */
export interface CompressedRfData extends RfData {
  weight: Float64Array;
  /** for each input row, the compressed row it was merged into (to map predictions back) */
  rowOfInput: Uint32Array;
}

export function rowCount(data: RfData): number {
  return data.x.length;
}

export function totalWeight(weight: Float64Array | undefined, rows: number): number {
  if (!weight) return rows;
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += weight[i]!;
  return sum;
}

/**
 * Why the data cannot be fitted, or null when every row is usable: equal-length columns,
 * finite values, non-negative x, 0 ≤ t_x ≤ T, t_x = 0 when x = 0, weights ≥ 0.
 */
export function invalidRfData(data: RfData): string | null {
  const n = data.x.length;
  if (data.tx.length !== n || data.T.length !== n || (data.weight && data.weight.length !== n)) {
    return `columns differ in length (x ${n}, tx ${data.tx.length}, T ${data.T.length}${data.weight ? `, weight ${data.weight.length}` : ''})`;
  }
  for (let i = 0; i < n; i++) {
    const x = data.x[i]!;
    const tx = data.tx[i]!;
    const T = data.T[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(tx) || !Number.isFinite(T)) return `row ${i}: x, tx and T must be finite numbers`;
    if (x < 0) return `row ${i}: x (repeat transactions) is negative (${x})`;
    if (tx < 0 || tx > T) return `row ${i}: tx must lie in [0, T] (tx ${tx}, T ${T})`;
    if (x === 0 && tx !== 0) return `row ${i}: a customer without repeat transactions must have tx = 0 (tx ${tx})`;
    const w = data.weight?.[i];
    if (w !== undefined && !(w >= 0 && Number.isFinite(w))) return `row ${i}: weight must be a finite number ≥ 0 (${w})`;
  }
  return null;
}

/** Weighted mean of T: the fits' internal time unit, so that parameter bounds are wide in any unit. */
export function meanObservationLength(data: RfData): number {
  let sw = 0;
  let st = 0;
  for (let i = 0; i < data.T.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    sw += w;
    st += w * data.T[i]!;
  }
  return sw > 0 ? st / sw : 0;
}

/** Why a transaction model cannot be fitted to these data, or null. */
export function unfittableTransactionData(data: RfData): string | null {
  const invalid = invalidRfData(data);
  if (invalid) return invalid;
  let customers = 0;
  let repeats = 0;
  let time = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    customers += w;
    repeats += w * data.x[i]!;
    time += w * data.T[i]!;
  }
  if (customers <= 0) return 'no customers to fit';
  if (repeats <= 0) return 'no repeat transactions: every customer bought once, so purchase and dropout rates cannot be estimated';
  if (time <= 0) return 'no observation time: every customer has T = 0';
  return null;
}

/** Rows grouped by equal values across some columns: group ids per row and one row per group. */
export interface RowGroups {
  groupOfRow: Uint32Array;
  /** the first row of each group, in order of first appearance */
  firstRowOfGroup: Uint32Array;
  groups: number;
}

/**
 * Groups rows whose values are equal in every column: hash every row from the float64 bit
 * patterns (−0 and +0 alike), then one pass over an open-addressing table that stores
 * (hash, group) pairs side by side and grows with the number of groups, so it stays small and
 * cache-friendly when many rows repeat. No strings; ~50–100 ns a row for a million rows.
 */
export function groupRows(columns: readonly Float64Array[], rows: number): RowGroups {
  const hashes = new Int32Array(rows).fill(0x811c9dc5);
  for (const column of columns) {
    const bits = new Uint32Array(column.buffer, column.byteOffset, column.length * 2);
    for (let i = 0; i < rows; i++) {
      let h = hashes[i]!;
      if (column[i] === 0) {
        h = Math.imul(h ^ 0x5bd1e995, 0x9e3779b1);
      } else {
        h = Math.imul(h ^ bits[2 * i]!, 0x9e3779b1);
        h = Math.imul(h ^ bits[2 * i + 1]!, 0x85ebca6b);
      }
      hashes[i] = h ^ (h >>> 15);
    }
  }
  let capacity = 1024;
  let table = new Int32Array(2 * capacity).fill(-1); // [hash, group] per slot; group −1 = empty
  const groupOfRow = new Uint32Array(rows);
  const firstRow = new Uint32Array(rows);
  let groups = 0;
  for (let i = 0; i < rows; i++) {
    if (groups * 2 >= capacity) {
      // Grow by rehashing the stored hashes; the columns are not touched.
      const old = table;
      capacity *= 4;
      table = new Int32Array(2 * capacity).fill(-1);
      for (let slot = 0; slot < old.length; slot += 2) {
        if (old[slot + 1]! < 0) continue;
        let to = (old[slot]! ^ (old[slot]! >>> 13)) & (capacity - 1);
        while (table[2 * to + 1]! >= 0) to = (to + 1) & (capacity - 1);
        table[2 * to] = old[slot]!;
        table[2 * to + 1] = old[slot + 1]!;
      }
    }
    const h = hashes[i]!;
    let slot = (h ^ (h >>> 13)) & (capacity - 1);
    for (;;) {
      const g = table[2 * slot + 1]!;
      if (g < 0) {
        table[2 * slot] = h;
        table[2 * slot + 1] = groups;
        firstRow[groups] = i;
        groupOfRow[i] = groups;
        groups++;
        break;
      }
      if (table[2 * slot] === h && sameRow(columns, i, firstRow[g]!)) {
        groupOfRow[i] = g;
        break;
      }
      slot = (slot + 1) & (capacity - 1);
    }
  }
  return { groupOfRow, firstRowOfGroup: firstRow.slice(0, groups), groups };
}

function sameRow(columns: readonly Float64Array[], i: number, j: number): boolean {
  for (const column of columns) if (column[i] !== column[j]) return false;
  return true;
}

/** The distinct values of a column and, for every row, the index of its value. */
export function distinctValues(column: Float64Array, rows = column.length): { values: Float64Array; indexOfRow: Uint32Array } {
  const grouped = groupRows([column], rows);
  const values = new Float64Array(grouped.groups);
  for (let g = 0; g < grouped.groups; g++) values[g] = column[grouped.firstRowOfGroup[g]!]!;
  return { values, indexOfRow: grouped.groupOfRow };
}

/**
 * Merges customers with identical (x, t_x, T) into one weighted row. The likelihoods here are
 * sums of per-customer terms, so a fit on the compressed rows equals the fit on all customers;
 * with day-resolution data a million customers shrink to a few hundred thousand tuples or fewer.
 *
 * @example
 * const compressed = compressRf({ x, tx, T });
 * const fit = fitBgNbd(compressed);
 */
export function compressRf(data: RfData): CompressedRfData {
  const rows = data.x.length;
  const grouped = groupRows([data.x, data.tx, data.T], rows);
  const k = grouped.groups;
  const x = new Float64Array(k);
  const tx = new Float64Array(k);
  const T = new Float64Array(k);
  const weight = new Float64Array(k);
  for (let g = 0; g < k; g++) {
    const i = grouped.firstRowOfGroup[g]!;
    x[g] = data.x[i]!;
    tx[g] = data.tx[i]!;
    T[g] = data.T[i]!;
  }
  const w = data.weight;
  const groupOfRow = grouped.groupOfRow;
  for (let i = 0; i < rows; i++) {
    const g = groupOfRow[i]!;
    weight[g] = weight[g]! + (w ? w[i]! : 1);
  }
  return { x, tx, T, weight, rowOfInput: groupOfRow };
}

/** Builds RfData from plain arrays (convenience for tests and small callers). */
export function rfData(rows: readonly RfCustomer[], weights?: readonly number[]): RfData {
  const data: RfData = {
    x: Float64Array.from(rows, (r) => r.x),
    tx: Float64Array.from(rows, (r) => r.tx),
    T: Float64Array.from(rows, (r) => r.T),
  };
  if (weights) data.weight = Float64Array.from(weights);
  return data;
}
