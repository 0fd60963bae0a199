import { sql } from 'kysely';
import { bulkCreateCustomers } from '../customers/bulk.ts';
import type { CustomerInput } from '../customers/schema.ts';
import type { Db } from '../database.ts';
import type { Actor } from '../platform/http/actor.ts';
import { upsertProducts } from '../tracking/commerce.ts';
import { normalizeCurrency, toMinor } from '../tracking/money.ts';
import { type OrderInput, type OrderLineInput, recordOrders } from '../tracking/orders.ts';
import { type ChunkProcessor, type Counts, lockExternalIds } from './chunks.ts';
import { customerDraft, customerKey, nulColumn, type RowContext, type RowError, type RowReader, type SourceRow } from './rows.ts';
import { type ImportedOrderStatus, parseInstant, parseNumber, parseOrderStatus } from './values.ts';

/**
 * An orders file: one row per order, or one row per order line with the order's id repeated
 * (rows of one order must be next to each other, as shop systems export them). Order-level
 * cells (customer, date, total, currency, status) are taken from the order's first row that
 * has them; a missing total is the sum of price × quantity of its lines. Money becomes integer
 * minor units (IRR for rials and tomans: 1 toman = 10 rials). Orders are written with
 * `recordOrders`, idempotent by (workspace, orderId): a re-run adds nothing.
 *
 * The customer of an order is found by customerExternalId, else email, else phone, and created
 * when missing. When one row of an order is bad, the whole order goes to the error report.
 */
interface ParsedRow {
  row: number;
  line: number;
  orderId: string;
  customer: CustomerInput | null;
  placedAt?: Date;
  currency: string;
  totalMinor?: number;
  status?: ImportedOrderStatus;
  line_?: OrderLineInput;
  errors: Omit<RowError, 'row' | 'line'>[];
}

interface OrderGroup {
  orderId: string;
  rows: number;
  customer: CustomerInput;
  customerKey: string;
  placedAt: Date;
  currency: string;
  totalMinor: number;
  status: ImportedOrderStatus;
  lines: OrderLineInput[];
}

/** Remembered customers of earlier chunks (key → id), bounded. */
const MAX_CACHED_CUSTOMERS = 500_000;
const MAX_SEEN_ORDERS = 2_000_000;

export class OrdersImport implements ChunkProcessor<OrderGroup> {
  private readonly customers = new Map<string, string>();
  private pendingCustomers = new Map<string, string>();
  /** Products this run has put in the catalog (committed / in the open chunk). */
  private readonly products = new Set<string>();
  private pendingProducts: string[] = [];
  /** orderId → first row, for orders of earlier chunks of this run. */
  private readonly seenOrders = new Map<string, number>();
  private readonly orderColumn: string;

  constructor(
    private readonly reader: RowReader,
    private readonly ctx: RowContext,
    private readonly actor: Actor,
    private readonly importId: string | null,
  ) {
    this.orderColumn = reader.columnOf('orderId');
  }

  canSplit(before: SourceRow, after: SourceRow): boolean {
    const a = this.reader.get(before.cells, 'orderId')?.value;
    const b = this.reader.get(after.cells, 'orderId')?.value;
    return !a || !b || a !== b;
  }

  private parse(r: SourceRow): ParsedRow | RowError {
    const { reader, ctx } = this;
    const orderId = reader.get(r.cells, 'orderId');
    if (r.error) return { row: r.row, line: r.line, column: '', value: null, reason: r.error };
    if (!orderId) return { row: r.row, line: r.line, column: this.orderColumn, value: null, reason: 'is required' };
    const nul = nulColumn(reader, r.cells, reader.mappedFields('orders'));
    if (nul) return { row: r.row, line: r.line, column: nul, value: null, reason: 'contains a NUL character' };
    const out: ParsedRow = { row: r.row, line: r.line, orderId: orderId.value, customer: null, currency: '', errors: [] };
    const fail = (c: { column: string; value: string }, reason: string) => out.errors.push({ column: c.column, value: c.value, reason });

    const hasCustomer = ['customerExternalId', 'email', 'phone', 'firstName', 'lastName', 'name'].some((f) => reader.get(r.cells, f));
    if (hasCustomer) {
      const draft = customerDraft(reader, r.cells, ctx, 'orders');
      if (draft.ok) out.customer = draft.draft.input;
      else out.errors.push(...draft.errors);
    }
    const placed = reader.get(r.cells, 'placedAt');
    if (placed) {
      const at = parseInstant(placed.value, placed.dateFormat ?? ctx.dateFormat, ctx.timeZone);
      if (at.ok) out.placedAt = at.value;
      else fail(placed, at.error);
    }
    const currencyCell = reader.get(r.cells, 'currency');
    const currency = normalizeCurrency(currencyCell?.value, ctx.currency);
    if (currency.ok) out.currency = currency.value.code;
    else if (currencyCell) fail(currencyCell, currency.error);
    const money = (cell: { column: string; value: string }) => {
      const m = toMinor(cell.value, currencyCell?.value, ctx.currency);
      if (!m.ok) fail(cell, m.error);
      else if (m.value.minor < 0) fail(cell, 'must not be negative');
      else return m.value.minor;
      return undefined;
    };
    const total = reader.get(r.cells, 'total');
    if (total && currency.ok) out.totalMinor = money(total);
    const status = reader.get(r.cells, 'status');
    if (status) {
      const s = parseOrderStatus(status.value);
      if (s.ok) out.status = s.value;
      else fail(status, s.error);
    }
    const productId = reader.get(r.cells, 'productId');
    const productName = reader.get(r.cells, 'productName');
    const price = reader.get(r.cells, 'price');
    const quantityCell = reader.get(r.cells, 'quantity');
    if (productId || productName || price) {
      let quantity = 1;
      if (quantityCell) {
        const q = parseNumber(quantityCell.value);
        if (!q.ok) fail(quantityCell, q.error);
        else if (q.value <= 0) fail(quantityCell, 'must be more than 0');
        else quantity = q.value;
      }
      out.line_ = {
        productId: productId?.value ?? null,
        name: productName?.value ?? null,
        quantity,
        priceMinor: price && currency.ok ? (money(price) ?? null) : null,
      };
    }
    return out;
  }

  validate(rows: SourceRow[]): { valid: OrderGroup[]; errors: RowError[] } {
    const errors: RowError[] = [];
    const groups = new Map<string, ParsedRow[]>();
    for (const r of rows) {
      const parsed = this.parse(r);
      if (!('orderId' in parsed)) {
        errors.push(parsed);
        continue;
      }
      const earlier = this.seenOrders.get(parsed.orderId);
      if (earlier !== undefined) {
        errors.push({ row: r.row, line: r.line, column: this.orderColumn, value: parsed.orderId, reason: `rows of one order must be next to each other; order "${parsed.orderId}" started at row ${earlier}` });
        continue;
      }
      const group = groups.get(parsed.orderId) ?? [];
      group.push(parsed);
      groups.set(parsed.orderId, group);
    }
    const valid: OrderGroup[] = [];
    for (const [orderId, parts] of groups) {
      const first = parts[0] as ParsedRow;
      if (this.seenOrders.size < MAX_SEEN_ORDERS) this.seenOrders.set(orderId, first.row);
      const group = this.assemble(orderId, parts);
      if ('customerKey' in group) {
        valid.push(group);
        continue;
      }
      // One bad row fails the whole order: every row is reported, the bad ones with their reasons.
      const bad = parts.find((p) => p.errors.length) ?? first;
      for (const p of parts) {
        const own = p.errors.length ? p.errors : p === bad ? [group] : [];
        if (own.length) for (const e of own) errors.push({ row: p.row, line: p.line, ...e });
        else errors.push({ row: p.row, line: p.line, column: this.orderColumn, value: orderId, reason: `order "${orderId}" has a bad row (row ${bad.row})` });
      }
    }
    return { valid, errors };
  }

  /** One order from its rows, or the problem that keeps it out. */
  private assemble(orderId: string, parts: ParsedRow[]): OrderGroup | Omit<RowError, 'row' | 'line'> {
    if (parts.some((p) => p.errors.length)) return { column: '', value: null, reason: 'bad row' };
    const customer = parts.find((p) => p.customer && customerKey(p.customer, this.ctx.country))?.customer;
    const key = customer ? customerKey(customer, this.ctx.country) : undefined;
    if (!customer || !key) {
      const column = ['customerExternalId', 'email', 'phone'].filter((f) => this.reader.has(f)).map((f) => this.reader.columnOf(f))[0] ?? '';
      return { column, value: null, reason: `order "${orderId}" names no customer (customerExternalId, email or phone)` };
    }
    const placedAt = parts.find((p) => p.placedAt)?.placedAt;
    if (!placedAt) return { column: this.reader.columnOf('placedAt'), value: null, reason: 'is required (the order date)' };
    const currency = (parts[0] as ParsedRow).currency;
    const other = parts.find((p) => p.currency !== currency);
    if (other) return { column: this.reader.columnOf('currency'), value: other.currency, reason: `differs from the order's currency ${currency}` };
    const lines = parts.flatMap((p) => (p.line_ ? [p.line_] : []));
    let totalMinor = parts.find((p) => p.totalMinor !== undefined)?.totalMinor;
    if (totalMinor === undefined) {
      if (lines.length === 0 || lines.some((l) => l.priceMinor === null || l.priceMinor === undefined)) {
        return { column: this.reader.columnOf(this.reader.has('total') ? 'total' : 'price'), value: null, reason: `order "${orderId}" has no total and not every line has a price` };
      }
      totalMinor = Math.round(lines.reduce((sum, l) => sum + (l.priceMinor ?? 0) * (l.quantity ?? 1), 0));
    }
    const status = parts.find((p) => p.status)?.status ?? 'completed';
    return { orderId, rows: parts.length, customer, customerKey: key, placedAt, currency, totalMinor, status, lines };
  }

  dryCounts(valid: OrderGroup[]): Counts {
    return { orders: valid.length, lines: valid.reduce((n, g) => n + g.lines.length, 0) };
  }

  async write(tx: Db, groups: OrderGroup[]): Promise<Counts> {
    if (groups.length === 0) return { ordersCreated: 0, ordersExisting: 0, linesCreated: 0, customersCreated: 0 };
    const ws = this.actor.workspaceId;
    const { ids, created: customersCreated } = await this.resolveCustomers(tx, groups);
    const orders: OrderInput[] = groups.map((g) => ({
      externalId: g.orderId,
      customerId: ids.get(g.customerKey) as string,
      currency: g.currency,
      totalMinor: g.totalMinor,
      placedAt: g.placedAt,
      source: 'import',
      status: g.status,
      properties: this.importId ? { importId: this.importId } : {},
      lines: g.lines,
    }));
    const created = await recordOrders(tx, ws, orders);
    const products = new Map<string, string | null>();
    for (const g of groups) for (const l of g.lines) if (l.productId && !this.products.has(l.productId) && !products.has(l.productId)) products.set(l.productId, l.name ?? null);
    this.pendingProducts = [...products.keys()];
    // Names only: historical prices would churn the catalog's price history.
    await upsertProducts(
      tx,
      ws,
      [...products].map(([id, name]) => ({ id, name, sku: null, category: null, priceMinor: null, currency: null, url: null, imageUrl: null })),
      'import',
    );
    const linesCreated = groups.reduce((n, g) => n + (created.has(g.orderId) ? g.lines.length : 0), 0);
    return {
      ordersCreated: created.size,
      ordersExisting: groups.length - created.size,
      linesCreated,
      customersCreated,
    };
  }

  /** customerKey → customer id for every group: remembered, found, or created now. */
  private async resolveCustomers(tx: Db, groups: OrderGroup[]): Promise<{ ids: Map<string, string>; created: number }> {
    this.pendingCustomers = new Map();
    const ids = new Map<string, string>();
    const wanted = new Map<string, CustomerInput>();
    for (const g of groups) {
      const known = this.customers.get(g.customerKey);
      if (known) ids.set(g.customerKey, known);
      else if (!wanted.has(g.customerKey)) wanted.set(g.customerKey, g.customer);
    }
    if (wanted.size === 0) return { ids, created: 0 };
    const keys = [...wanted.keys()];
    const of = (prefix: string) => keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(2));
    const exts = of('x:');
    await lockExternalIds(tx, this.actor.workspaceId, exts);
    const { rows } = await sql<{ id: string; external_id: string | null; emails: string[]; phones: string[] }>`
      select id, external_id, emails, phones from customers
      where workspace_id = ${this.actor.workspaceId} and merged_into is null and erased_at is null
        and (external_id = any(${exts}::text[]) or emails && ${of('e:')}::text[] or phones && ${of('p:')}::text[])
      order by created_at, id`.execute(tx);
    for (const c of rows) {
      const found = [c.external_id ? `x:${c.external_id}` : '', ...c.emails.map((e) => `e:${e}`), ...c.phones.map((p) => `p:${p}`)];
      for (const k of found) if (wanted.has(k) && !ids.has(k)) ids.set(k, c.id);
    }
    const missing = keys.filter((k) => !ids.has(k));
    if (missing.length) {
      const { ids: createdIds } = await bulkCreateCustomers(tx, this.actor, missing.map((k) => wanted.get(k) as CustomerInput), { defaultCountry: this.ctx.country, source: 'import' });
      missing.forEach((k, i) => {
        ids.set(k, createdIds[i] as string);
        this.pendingCustomers.set(k, createdIds[i] as string);
      });
    }
    for (const k of keys) if (!this.pendingCustomers.has(k)) this.pendingCustomers.set(k, ids.get(k) as string);
    return { ids, created: missing.length };
  }

  committed(): void {
    if (this.products.size > MAX_CACHED_CUSTOMERS) this.products.clear();
    for (const p of this.pendingProducts) this.products.add(p);
    this.pendingProducts = [];
    if (this.customers.size > MAX_CACHED_CUSTOMERS) this.customers.clear();
    for (const [k, id] of this.pendingCustomers) this.customers.set(k, id);
    this.pendingCustomers = new Map();
  }
}
