import { z } from 'zod';
import { invalid } from '../platform/errors.ts';
import { searchKey } from '../platform/text/normalize.ts';
import { dateFormats, type DateFormat } from './values.ts';

/**
 * What a CSV column can be imported as, per kind of import, and the mapping from the file's
 * columns to those fields. A mapping names columns by their header text.
 */
export const importKinds = ['customers', 'orders'] as const;
export type ImportKind = (typeof importKinds)[number];

export const customerFieldNames = ['externalId', 'firstName', 'lastName', 'name', 'email', 'phone', 'birthday', 'gender', 'city', 'language', 'tags'] as const;
export const orderFieldNames = [
  'orderId', 'customerExternalId', 'email', 'phone', 'firstName', 'lastName', 'name',
  'placedAt', 'total', 'currency', 'status', 'productId', 'productName', 'quantity', 'price',
] as const;

/** Fields that may come from several columns (their values are joined). */
export const listFields = new Set(['email', 'phone', 'tags']);
/** `attribute:<key>` imports a custom attribute (customers only). */
export const ATTRIBUTE_PREFIX = 'attribute:';
const attributeKey = /^[A-Za-z_][\w.-]{0,63}$/;

export function fieldsOf(kind: ImportKind): readonly string[] {
  return kind === 'customers' ? customerFieldNames : orderFieldNames;
}

export function isField(kind: ImportKind, field: string): boolean {
  if (kind === 'customers' && field.startsWith(ATTRIBUTE_PREFIX)) return attributeKey.test(field.slice(ATTRIBUTE_PREFIX.length));
  return fieldsOf(kind).includes(field);
}

export interface ColumnMapping {
  field: string;
  /** For date columns: overrides the import's dateFormat. */
  dateFormat?: DateFormat;
}
/** CSV column (header text) → what it is. Columns not named are ignored. */
export type Mapping = Record<string, ColumnMapping>;

export const columnMappingSchema = z.union([
  z.string().min(1).max(100),
  z.strictObject({ field: z.string().min(1).max(100), dateFormat: z.enum(dateFormats).optional() }),
]);
export const mappingSchema = z
  .record(z.string().min(1).max(200), columnMappingSchema)
  .transform((m): Mapping => Object.fromEntries(Object.entries(m).map(([column, v]) => [column, typeof v === 'string' ? { field: v } : v])));

/** Header words (en, fa, ar) each field is known by; compared after `headerKey`. */
const synonyms: Record<string, string[]> = {
  externalId: ['external id', 'id', 'customer id', 'user id', 'customer no', 'customer number', 'customer code', 'code', 'کد', 'کد مشتری', 'شناسه', 'شناسه مشتری', 'معرف العميل', 'رقم العميل', 'رمز العميل'],
  firstName: ['first name', 'first', 'given name', 'fname', 'نام', 'اسم', 'الاسم الأول', 'الاسم الاول'],
  lastName: ['last name', 'last', 'surname', 'family name', 'lname', 'نام خانوادگی', 'فامیلی', 'فامیل', 'اسم العائلة', 'الكنية', 'اللقب'],
  name: ['name', 'full name', 'customer name', 'نام کامل', 'نام و نام خانوادگی', 'نام مشتری', 'الاسم', 'الاسم الكامل', 'اسم العميل'],
  email: ['email', 'e-mail', 'mail', 'email address', 'ایمیل', 'پست الکترونیک', 'رایانامه', 'البريد الإلكتروني', 'البريد الالكتروني', 'البريد', 'ايميل'],
  phone: ['phone', 'mobile', 'cell', 'tel', 'telephone', 'phone number', 'mobile number', 'موبایل', 'تلفن', 'تلفن همراه', 'شماره موبایل', 'شماره تلفن', 'شماره همراه', 'همراه', 'الهاتف', 'الجوال', 'جوال', 'رقم الهاتف', 'رقم الجوال', 'موبايل'],
  birthday: ['birthday', 'birth date', 'birthdate', 'date of birth', 'dob', 'تاریخ تولد', 'تولد', 'تاريخ الميلاد'],
  gender: ['gender', 'sex', 'جنسیت', 'جنس', 'الجنس'],
  city: ['city', 'town', 'شهر', 'المدينة', 'مدينة'],
  language: ['language', 'lang', 'locale', 'زبان', 'اللغة'],
  tags: ['tags', 'tag', 'labels', 'برچسب', 'برچسب ها', 'تگ', 'تگ ها', 'الوسوم', 'وسوم'],
  orderId: ['order id', 'order', 'order number', 'order no', 'invoice', 'invoice id', 'invoice number', 'شماره سفارش', 'کد سفارش', 'سفارش', 'شناسه سفارش', 'شماره فاکتور', 'فاکتور', 'رقم الطلب', 'الطلب', 'معرف الطلب'],
  customerExternalId: ['customer id', 'customer external id', 'user id', 'customer', 'client id', 'customer code', 'کد مشتری', 'شناسه مشتری', 'مشتری', 'رقم العميل', 'العميل', 'معرف العميل'],
  placedAt: ['date', 'order date', 'placed at', 'created at', 'datetime', 'time', 'purchase date', 'تاریخ', 'تاریخ سفارش', 'زمان', 'تاریخ خرید', 'تاريخ', 'تاريخ الطلب'],
  total: ['total', 'amount', 'order total', 'grand total', 'revenue', 'sum', 'جمع', 'مبلغ', 'مبلغ کل', 'جمع کل', 'مجموع', 'المجموع', 'المبلغ', 'الإجمالي', 'الاجمالي'],
  currency: ['currency', 'واحد پول', 'ارز', 'العملة'],
  status: ['status', 'order status', 'state', 'وضعیت', 'وضعیت سفارش', 'الحالة'],
  productId: ['product id', 'sku', 'item id', 'product', 'product code', 'کد کالا', 'شناسه کالا', 'کالا', 'کد محصول', 'محصول', 'رقم المنتج', 'المنتج', 'رمز المنتج'],
  productName: ['product name', 'item name', 'item', 'title', 'نام کالا', 'نام محصول', 'عنوان', 'اسم المنتج'],
  quantity: ['quantity', 'qty', 'count', 'تعداد', 'مقدار', 'الكمية', 'عدد'],
  price: ['price', 'unit price', 'item price', 'قیمت', 'فی', 'قیمت واحد', 'السعر', 'سعر الوحدة'],
};

/** `First_Name ` → `firstname`; `نام‌ خانوادگي` → `نامخانوادگی` (one spelling of ی/ک, no spaces, ZWNJ or punctuation). */
export function headerKey(header: string): string {
  return searchKey(header).replace(/[\s_\-.:#()[\]/\\*]+/g, '');
}

const byKind = new Map<ImportKind, Map<string, string>>(
  importKinds.map((kind) => {
    const index = new Map<string, string>();
    for (const field of fieldsOf(kind)) for (const word of synonyms[field] ?? []) if (!index.has(headerKey(word))) index.set(headerKey(word), field);
    return [kind, index];
  }),
);

/**
 * A mapping guessed from header names in English, Persian or Arabic («نام», «موبایل», «ایمیل»,
 * «شهر», «تاریخ», «مبلغ» …). A header written `attribute:<key>` maps to that custom attribute.
 * Each field is suggested once, for its first column (list fields for every column).
 */
export function suggestMapping(kind: ImportKind, header: readonly string[]): Mapping {
  const index = byKind.get(kind) as Map<string, string>;
  const taken = new Set<string>();
  const out: Mapping = {};
  for (const column of header) {
    const trimmed = column.trim();
    let field = index.get(headerKey(trimmed));
    const attr = /^(attribute|attr|ویژگی):\s*(.+)$/i.exec(trimmed);
    if (!field && attr && kind === 'customers' && attributeKey.test(attr[2] as string)) field = `${ATTRIBUTE_PREFIX}${attr[2]}`;
    if (!field || (taken.has(field) && !listFields.has(field))) continue;
    taken.add(field);
    out[column] = { field };
  }
  return out;
}

/**
 * `vafa import --map "Mobile=phone,تاریخ=placedAt:jalali,Notes=-"` → changes to a mapping
 * (`-` or an empty field ignores the column).
 */
export function parseMapFlag(text: string): Record<string, ColumnMapping | null> {
  const out: Record<string, ColumnMapping | null> = {};
  for (const pair of text.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw invalid('--map', `"${pair}" is not column=field`);
    const column = pair.slice(0, eq).trim();
    const [field = '', format] = pair.slice(eq + 1).trim().split(':').map((s) => s.trim());
    if (!field || field === '-') {
      out[column] = null;
      continue;
    }
    // attribute:<key> has a colon of its own.
    if (field === 'attribute' && format) {
      out[column] = { field: `${ATTRIBUTE_PREFIX}${format}` };
      continue;
    }
    if (format && !dateFormats.includes(format as DateFormat)) throw invalid('--map', `"${format}" is not a date format (${dateFormats.join(', ')})`);
    out[column] = { field, ...(format ? { dateFormat: format as DateFormat } : {}) };
  }
  return out;
}

/** The suggestion with the caller's changes applied. */
export function applyMapChanges(base: Mapping, changes: Record<string, ColumnMapping | null>): Mapping {
  const out: Mapping = { ...base };
  for (const [column, mapping] of Object.entries(changes)) {
    if (mapping) {
      // A field the caller assigns leaves any column the suggestion gave it.
      if (!listFields.has(mapping.field)) for (const [c, m] of Object.entries(out)) if (m.field === mapping.field && c !== column) delete out[c];
      out[column] = mapping;
    } else delete out[column];
  }
  return out;
}

/**
 * Checks a mapping against the file's header: every column exists, every field is known, the
 * fields that an import of this kind needs are there. Throws INVALID_INPUT naming `mapping.<column>`.
 */
export function checkMapping(kind: ImportKind, mapping: Mapping, header: readonly string[]): void {
  const columns = new Set(header);
  const seen = new Map<string, string>();
  for (const [column, { field }] of Object.entries(mapping)) {
    if (!columns.has(column)) throw invalid(`mapping.${column}`, `the file has no column "${column}" (columns: ${header.join(', ')})`);
    if (!isField(kind, field)) {
      throw invalid(`mapping.${column}`, `"${field}" is not a ${kind} field (one of ${fieldsOf(kind).join(', ')}${kind === 'customers' ? ', attribute:<key>' : ''})`);
    }
    const other = seen.get(field);
    if (other && !listFields.has(field)) throw invalid(`mapping.${column}`, `"${field}" is already mapped from column "${other}"`);
    seen.set(field, column);
  }
  const has = (...fields: string[]) => fields.some((f) => seen.has(f));
  if (kind === 'customers' && !has('externalId', 'email', 'phone', 'firstName', 'lastName', 'name')) {
    throw invalid('mapping', 'map at least one of externalId, email, phone, firstName, lastName, name');
  }
  if (kind === 'orders') {
    if (!has('orderId')) throw invalid('mapping', 'map a column to orderId');
    if (!has('placedAt')) throw invalid('mapping', 'map a column to placedAt (the order date)');
    if (!has('total', 'price')) throw invalid('mapping', 'map a column to total or to price');
    if (!has('customerExternalId', 'email', 'phone')) throw invalid('mapping', 'map a column to customerExternalId, email or phone to say whose order it is');
  }
}
