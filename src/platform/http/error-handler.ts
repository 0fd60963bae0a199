import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../errors.ts';

/** Turns a zod issue path like `/emails/0` or an unrecognised key into the field name we report. */
function fieldOf(issue: { instancePath: string; params?: Record<string, unknown> }, context?: string): string {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const keys = issue.params?.keys;
  const extra = Array.isArray(keys) && keys.length > 0 ? String(keys[0]) : '';
  const field = [path, extra].filter(Boolean).join('.');
  if (field) return field;
  return context === 'body' ? 'body' : (context ?? 'body');
}

const statusToCode: Record<number, ErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** Every error leaves the API in one shape: `{ error: { code, message, field? } }`. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const context = (error as { validationContext?: string }).validationContext;
    const field = issue ? fieldOf(issue, context) : (context ?? 'body');
    const message = issue?.message ?? 'Invalid input';
    return new AppError('INVALID_INPUT', `${field}: ${message}`, { field });
  }
  const fe = error as Partial<FastifyError>;
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error instanceof SyntaxError && fe.statusCode === 400)) {
    return new AppError('INVALID_INPUT', 'The request body is not valid JSON', { field: 'body' });
  }
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new AppError('INVALID_INPUT', 'The request body is empty but Content-Type is JSON', { field: 'body' });
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON (Content-Type: application/json)', { field: 'content-type' });
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large', { field: 'body' });
  }
  const status = fe.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = statusToCode[status] ?? 'INVALID_INPUT';
    return new AppError(code, fe.message ?? 'Bad request', { cause: error });
  }
  return new AppError('INTERNAL', 'Something went wrong on our side', { cause: error });
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ code: appError.code, field: appError.field }, appError.message);
  return reply.status(appError.status).send(appError.toBody());
}
