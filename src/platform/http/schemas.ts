import { z } from 'zod';
import { errorStatus, type ErrorCode } from '../errors.ts';

/** The one error body, documented on every route. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      field: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  429: errorBodySchema,
} as const;

export const uuidParam = (name: string) => z.object({ [name]: z.uuid({ error: `${name} must be a UUID` }) });

export const isoDateTime = z.iso.datetime({ offset: true });
