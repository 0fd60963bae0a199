/**
 * A deterministic orders export as Iranian shops produce it: one row per order line, the
 * order's id repeated on each of its rows, Jalali dates, prices in toman with thousands
 * separators, Persian product names. The same generator yields the rows pre-parsed for the
 * baseline, so both load exactly the same data.
 */
import fs from 'node:fs';
import { prng } from '../../src/demo/people.ts';

export interface GeneratedLine {
  orderNo: number;
  customerNo: number;
  /** Jalali date parts and time. */
  jy: number;
  jm: number;
  jd: number;
  hour: number;
  minute: number;
  productNo: number;
  quantity: number;
  /** Unit price in toman. */
  priceToman: number;
}

/** mulberry32 (src/demo/people.ts): small, fast and the same on every machine. */
const random = prng;

export const HEADER = 'order_id,customer_id,email,date,currency,product_id,product_name,quantity,price';
const PRODUCT_WORDS = ['کتاب', 'دفتر', 'خودکار', 'کیف', 'کفش', 'پیراهن', 'شال', 'عطر', 'ساعت', 'هدفون', 'فنجان', 'چای'];

export const customerId = (n: number) => `C${String(n).padStart(6, '0')}`;
export const emailOf = (n: number) => `c${n}@shop.example`;
export const productId = (n: number) => `P${String(n).padStart(4, '0')}`;
export const productName = (n: number) => `${PRODUCT_WORDS[n % PRODUCT_WORDS.length]} ${n}`;
export const orderId = (n: number) => `ORD-${String(n).padStart(7, '0')}`;
const pad = (n: number) => String(n).padStart(2, '0');

/** Lines in file order: orders of 1–3 lines (2 on average), `customers` distinct buyers. */
export function* generateLines(rows: number, opts: { customers: number; products: number; seed: number }): Generator<GeneratedLine> {
  const next = random(opts.seed);
  let written = 0;
  for (let orderNo = 1; written < rows; orderNo++) {
    const lines = Math.min(rows - written, 1 + Math.floor(next() * 3));
    const customerNo = 1 + Math.floor(next() ** 1.5 * opts.customers);
    const jy = 1400 + Math.floor(next() * 4);
    const jm = 1 + Math.floor(next() * 12);
    const jd = 1 + Math.floor(next() * (jm <= 6 ? 31 : jm <= 11 ? 30 : 29));
    const hour = 8 + Math.floor(next() * 14);
    const minute = Math.floor(next() * 60);
    for (let l = 0; l < lines; l++) {
      const productNo = 1 + Math.floor(next() * opts.products);
      yield { orderNo, customerNo, jy, jm, jd, hour, minute, productNo, quantity: 1 + Math.floor(next() ** 3 * 4), priceToman: (5 + Math.floor(next() * 500)) * 1000 };
      written++;
    }
  }
}

export function csvRow(l: GeneratedLine): string {
  const price = l.priceToman.toLocaleString('en-US');
  return `${orderId(l.orderNo)},${customerId(l.customerNo)},${emailOf(l.customerNo)},${l.jy}/${pad(l.jm)}/${pad(l.jd)} ${pad(l.hour)}:${pad(l.minute)},IRT,${productId(l.productNo)},${productName(l.productNo)},${l.quantity},"${price}"\n`;
}

/** Writes the CSV (buffered), returning its size. */
export function writeCsv(file: string, rows: number, opts: { customers: number; products: number; seed: number }): number {
  const fd = fs.openSync(file, 'w');
  let buffer = `${HEADER}\n`;
  let bytes = 0;
  for (const line of generateLines(rows, opts)) {
    buffer += csvRow(line);
    if (buffer.length > 1 << 20) {
      bytes += fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  bytes += fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  return bytes;
}
