/**
 * One error type for everything the API answers with a 4xx/5xx.
 * The code → status map is exhaustive: a new code cannot be added without a status.
 */
export const errorStatus = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;

/** One problem of many (e.g. each bad event of a batch), listed under `error.problems`. */
export interface Problem {
  index: number;
  field: string;
  reason: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; problems?: Problem[] };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly problems: Problem[] | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown; problems?: Problem[] } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.problems = options.problems;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field ? { field: this.field } : {}),
        ...(this.problems ? { problems: this.problems } : {}),
      },
    };
  }
}

export const invalid = (field: string, message: string) =>
  new AppError('INVALID_INPUT', message, { field });
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string, field?: string) =>
  new AppError('CONFLICT', message, field ? { field } : {});
export const forbidden = (message = 'Your role does not allow this') =>
  new AppError('FORBIDDEN', message);
export const unauthenticated = (message = 'Authentication required') =>
  new AppError('UNAUTHENTICATED', message);
