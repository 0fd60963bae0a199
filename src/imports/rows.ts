import type { AttributeDefinition } from '../customers/attributes.ts';
import { mergeAttributes } from '../customers/attributes.ts';
import { createCustomerSchema, type CustomerInput } from '../customers/schema.ts';
import { normalizeFields } from '../customers/service.ts';
import { AppError } from '../platform/errors.ts';
import { toE164 } from '../platform/text/phone.ts';
import { ATTRIBUTE_PREFIX, type ImportKind, type Mapping } from './fields.ts';
import { type DateFormat, parseBoolean, parseDay, parseGender, parseLanguage, parseNumber, splitList } from './values.ts';

/** One data row of the file as read: its number (1 = first row after the header), line and cells. */
export interface SourceRow {
  row: number;
  line: number;
  cells: string[];
  /** Byte offset just past the row, and the line after it: where a resumed import reads on. */
  end: number;
  nextLine: number;
  /** Set when the CSV reader could not read the row whole. */
  error?: string;
}

/** One line of the error report. */
export interface RowError {
  row: number;
  line: number;
  column: string;
  value: string | null;
  reason: string;
}

/** What a workspace contributes to reading its rows. */
export interface RowContext {
  /** For phone numbers written without a country code. */
  country: string;
  /** Custom attribute definitions by key. */
  definitions: Map<string, AttributeDefinition>;
  dateFormat: DateFormat;
  /** Currency of amounts when the row names none (IRT = toman). */
  currency: string;
  /** Time zone of dates without an offset. */
  timeZone: string;
}

interface Source {
  column: string;
  index: number;
  dateFormat: DateFormat | undefined;
}

/** A cell of a mapped field: its text (trimmed, non-empty) and the column it came from. */
export interface Cell {
  value: string;
  column: string;
  dateFormat: DateFormat | undefined;
}

/** The mapping compiled against the header: which cell holds which field. */
export class RowReader {
  private readonly sources = new Map<string, Source[]>();

  constructor(mapping: Mapping, header: readonly string[]) {
    for (const [column, m] of Object.entries(mapping)) {
      const index = header.indexOf(column);
      if (index < 0) continue;
      const list = this.sources.get(m.field) ?? [];
      list.push({ column, index, dateFormat: m.dateFormat });
      this.sources.set(m.field, list);
    }
  }

  has(field: string): boolean {
    return this.sources.has(field);
  }

  /** The first non-empty cell mapped to `field`. */
  get(cells: readonly string[], field: string): Cell | undefined {
    for (const s of this.sources.get(field) ?? []) {
      const value = cells[s.index]?.trim();
      if (value) return { value, column: s.column, dateFormat: s.dateFormat };
    }
    return undefined;
  }

  /** Every non-empty cell mapped to `field`. */
  all(cells: readonly string[], field: string): Cell[] {
    const out: Cell[] = [];
    for (const s of this.sources.get(field) ?? []) {
      const value = cells[s.index]?.trim();
      if (value) out.push({ value, column: s.column, dateFormat: s.dateFormat });
    }
    return out;
  }

  /** Mapped `attribute:<key>` fields. */
  attributeFields(): string[] {
    return [...this.sources.keys()].filter((f) => f.startsWith(ATTRIBUTE_PREFIX));
  }

  /** The column of a field, for errors about it. */
  columnOf(field: string): string {
    return this.sources.get(field)?.[0]?.column ?? field;
  }

  mappedFields(kind: ImportKind): string[] {
    return [...this.sources.keys()].filter((f) => kind === 'customers' || !f.startsWith(ATTRIBUTE_PREFIX));
  }
}

/** A cell with a NUL character cannot be stored by PostgreSQL: refuse it as a row error. */
export function nulColumn(reader: RowReader, cells: readonly string[], fields: readonly string[]): string | undefined {
  for (const field of fields) for (const c of reader.all(cells, field)) if (c.value.includes('\u0000')) return c.column;
  return undefined;
}

/** A customer as a row describes it, with where each list item came from (for error columns). */
export interface CustomerDraft {
  input: CustomerInput;
  emailColumns: string[];
  phoneColumns: string[];
}

type DraftResult = { ok: true; draft: CustomerDraft } | { ok: false; errors: Omit<RowError, 'row' | 'line'>[] };

const fieldOfInput: Record<string, string> = {
  externalId: 'externalId', firstName: 'firstName', lastName: 'lastName', emails: 'email', phones: 'phone',
  birthday: 'birthday', gender: 'gender', city: 'city', language: 'language', tags: 'tags',
};

/**
 * The customer fields of a row (`customerExternalId` is the externalId in an orders file),
 * validated with the API's own schema and normalisation: an import accepts exactly what
 * `POST /api/v1/customers` accepts.
 */
export function customerDraft(reader: RowReader, cells: readonly string[], ctx: RowContext, kind: ImportKind): DraftResult {
  const errors: Omit<RowError, 'row' | 'line'>[] = [];
  const fail = (c: Cell, reason: string) => errors.push({ column: c.column, value: c.value, reason });
  const input: Record<string, unknown> = {};
  const emailColumns: string[] = [];
  const phoneColumns: string[] = [];

  const ext = reader.get(cells, kind === 'customers' ? 'externalId' : 'customerExternalId');
  if (ext) input.externalId = ext.value;
  const first = reader.get(cells, 'firstName');
  const last = reader.get(cells, 'lastName');
  if (first) input.firstName = first.value;
  if (last) input.lastName = last.value;
  const name = reader.get(cells, 'name');
  if (name && !first && !last) {
    // «علی کریمی» → first name «علی», last name «کریمی».
    const [given, ...rest] = name.value.split(/\s+/);
    input.firstName = given;
    if (rest.length) input.lastName = rest.join(' ');
  }
  const emails: string[] = [];
  for (const c of reader.all(cells, 'email')) {
    for (const e of splitList(c.value, true)) {
      emails.push(e);
      emailColumns.push(c.column);
    }
  }
  if (emails.length) input.emails = emails;
  const phones: string[] = [];
  for (const c of reader.all(cells, 'phone')) {
    for (const p of splitList(c.value)) {
      phones.push(p);
      phoneColumns.push(c.column);
    }
  }
  if (phones.length) input.phones = phones;
  if (kind === 'customers') {
    const birthday = reader.get(cells, 'birthday');
    if (birthday) {
      const day = parseDay(birthday.value, birthday.dateFormat ?? ctx.dateFormat);
      if (day.ok) input.birthday = day.value;
      else fail(birthday, day.error);
    }
    const gender = reader.get(cells, 'gender');
    if (gender) {
      const g = parseGender(gender.value);
      if (g.ok) input.gender = g.value;
      else fail(gender, g.error);
    }
    const city = reader.get(cells, 'city');
    if (city) input.city = city.value;
    const language = reader.get(cells, 'language');
    if (language) input.language = parseLanguage(language.value);
    const tags = reader.all(cells, 'tags').flatMap((c) => splitList(c.value));
    if (tags.length) input.tags = [...new Set(tags)];
    const attributes = attributesOf(reader, cells, ctx, fail);
    if (Object.keys(attributes).length) input.attributes = attributes;
  }
  if (errors.length) return { ok: false, errors };

  const parsed = createCustomerSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [key, index] = issue.path as [string, number | undefined];
      const column =
        key === 'emails' ? (emailColumns[index ?? 0] ?? reader.columnOf('email'))
        : key === 'phones' ? (phoneColumns[index ?? 0] ?? reader.columnOf('phone'))
        : key === 'externalId' && kind === 'orders' ? reader.columnOf('customerExternalId')
        : key === 'attributes' ? reader.columnOf(`${ATTRIBUTE_PREFIX}${String(index)}`)
        : reader.columnOf(fieldOfInput[key] ?? key);
      const value = index !== undefined && Array.isArray(input[key]) ? String((input[key] as unknown[])[index]) : typeof input[key] === 'string' ? (input[key] as string) : null;
      errors.push({ column, value, reason: issue.message });
    }
    return { ok: false, errors };
  }
  const draft = { input: parsed.data, emailColumns, phoneColumns };
  try {
    normalizeFields(draft.input, ctx.country);
    if (draft.input.attributes) mergeAttributes(ctx.definitions, {}, draft.input.attributes);
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'INVALID_INPUT') throw e;
    const [key, index] = (e.field ?? '').split('.');
    const column = key === 'phones' ? (phoneColumns[Number(index)] ?? reader.columnOf('phone')) : key === 'attributes' ? reader.columnOf(`${ATTRIBUTE_PREFIX}${index}`) : reader.columnOf(key ?? '');
    const value = key === 'phones' ? (draft.input.phones?.[Number(index)] ?? null) : key === 'attributes' ? String(draft.input.attributes?.[index ?? ''] ?? '') : null;
    return { ok: false, errors: [{ column, value, reason: e.message.replace(/^"[^"]*" /, '') }] };
  }
  return { ok: true, draft };
}

/** `attribute:<key>` cells, typed by the attribute's definition (an undefined key is left to `mergeAttributes` to refuse). */
function attributesOf(reader: RowReader, cells: readonly string[], ctx: RowContext, fail: (c: Cell, reason: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of reader.attributeFields()) {
    const c = reader.get(cells, field);
    if (!c) continue;
    const key = field.slice(ATTRIBUTE_PREFIX.length);
    const def = ctx.definitions.get(key);
    if (!def) {
      fail(c, `unknown attribute "${key}": define it first under attribute definitions`);
      continue;
    }
    switch (def.type) {
      case 'number': {
        const n = parseNumber(c.value);
        if (n.ok) out[key] = n.value;
        else fail(c, n.error);
        break;
      }
      case 'boolean': {
        const b = parseBoolean(c.value);
        if (b.ok) out[key] = b.value;
        else fail(c, b.error);
        break;
      }
      case 'date': {
        const d = parseDay(c.value, c.dateFormat ?? ctx.dateFormat);
        if (d.ok) out[key] = d.value;
        else fail(c, d.error);
        break;
      }
      case 'list':
        out[key] = splitList(c.value);
        break;
      default:
        out[key] = c.value;
    }
  }
  return out;
}

/** The key a customer is found by: externalId, else first email, else first phone (normalised). */
export function customerKey(input: CustomerInput, country: string): string | undefined {
  if (input.externalId) return `x:${input.externalId}`;
  const email = input.emails?.[0];
  if (email) return `e:${email.trim().toLowerCase()}`;
  const phone = input.phones?.[0];
  if (phone) {
    const e164 = toE164(phone, country);
    if (e164.ok) return `p:${e164.value}`;
  }
  return undefined;
}
