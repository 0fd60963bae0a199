import { z } from 'zod';
import { normalizeCurrency } from '../tracking/money.ts';
import { delimiters } from './csv.ts';
import { dateFormats, isTimeZone } from './values.ts';

/** How the cells of a file are read; a column's own `dateFormat` in the mapping wins over `dateFormat` here. */
export const importOptionsSchema = z.strictObject({
  dateFormat: z.enum(dateFormats).default('iso').describe('iso (2023-10-07), jalali (1402/07/15, Persian digits too), dmy (07/10/2023) or mdy (10/07/2023)'),
  currency: z
    .string()
    .trim()
    .max(10)
    .refine((c) => normalizeCurrency(c).ok, 'is not a currency code (IRR, IRT for toman, USD …)')
    .optional()
    .describe("Currency of amounts when the row has no currency column; IRT or «تومان» means toman (stored as rials × 10). Default: the workspace's display currency"),
  timeZone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Tehran').optional().describe("Time zone of dates without an offset. Default: the workspace's, else UTC"),
  delimiter: z.enum(delimiters).optional().describe('Detected from the header when not given'),
});
export type ImportOptions = z.output<typeof importOptionsSchema>;
