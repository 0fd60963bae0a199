import { z } from 'zod';
import { invalid } from '../errors.ts';

/** Keyset pagination: the cursor is the last row's sort key, opaque to clients. */
export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);
export const cursorSchema = z.string().max(500).optional();

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === arity) return values;
  } catch {
    // fall through
  }
  throw invalid('cursor', 'cursor is not one this API issued');
}

export const page = <T>(data: T[], limit: number, keyOf: (last: T) => unknown[]) => {
  const hasMore = data.length > limit;
  const rows = hasMore ? data.slice(0, limit) : data;
  const last = rows.at(-1);
  return { data: rows, nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
};

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });
