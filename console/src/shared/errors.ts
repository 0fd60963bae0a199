import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';

/** `emails.0` → `emails`; also tolerates Fastify's `body/emails/0`. */
export function fieldOf(error: unknown): string | undefined {
  if (!isApiError(error) || !error.field) return undefined;
  const parts = error.field.split(/[./]/).filter((p) => p && p !== 'body' && p !== 'query');
  return parts[0];
}

/** Validation messages read `emails.0: is not a valid email address`; under the input the prefix is noise. */
export function withoutFieldPrefix(error: { message: string; field?: string | undefined }): string {
  const prefix = error.field ? `${error.field}: ` : '';
  return prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** Shows an API failure as a notification: code as the title, the server's message, the field. */
export function useNotifyError(): (error: unknown) => void {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown) => {
      const code = isApiError(error) ? error.code : 'INTERNAL';
      const title = t(`errors.codes.${code}`, { defaultValue: t('errors.codes.INTERNAL') });
      let message = error instanceof Error ? error.message : String(error);
      if (isApiError(error) && error.code === 'NETWORK') message = t('errors.network');
      if (isApiError(error) && error.field) message = `${message} — ${t('errors.field', { field: error.field })}`;
      notifications.show({ color: 'red', title, message, autoClose: 8000 });
    },
    [t],
  );
}

export function useNotifySuccess(): (message: string) => void {
  return useCallback((message: string) => {
    notifications.show({ color: 'teal', message, autoClose: 3000 });
  }, []);
}

/**
 * For forms: if the error names one of `fields`, returns `{ [formField]: message }` to show
 * under the input; otherwise notifies and returns `{}`.
 *
 * @example
 * onError: (e) => setErrors(formErrors(e, { emails: 'email', firstName: 'firstName' }))
 */
export function useFormErrors(): (error: unknown, fields: Record<string, string>) => Record<string, string> {
  const notify = useNotifyError();
  return useCallback(
    (error, fields) => {
      const field = fieldOf(error);
      const target = field ? fields[field] : undefined;
      if (target && isApiError(error)) return { [target]: withoutFieldPrefix(error) };
      notify(error);
      return {};
    },
    [notify],
  );
}
