import type { ChannelKind } from '../channels/channel.ts';
import type { Escaping } from './liquid.ts';
import type { ContentKind, Variant } from './schema.ts';

/** One Liquid source inside a variant, named by its path under the variant (e.g. `email.subject`). */
export interface LiquidField {
  path: string;
  source: string;
  escaping: Escaping;
}

/** Which content of a variant a channel uses: messengers share one text, the rest have their own. */
export const contentFor: Record<ChannelKind, ContentKind> = {
  email: 'email',
  sms: 'sms',
  telegram: 'messenger',
  bale: 'messenger',
  eitaa: 'messenger',
  rubika: 'messenger',
  webpush: 'push',
  whatsapp: 'whatsapp',
  webhook: 'webhook',
};

/**
 * Every Liquid source of a variant. Only the email body is HTML (escaped output); subjects,
 * texts, URLs and JSON leaves are plain text. `emailHtml` replaces the email body with its
 * compiled form (MJML → HTML) when given.
 */
export function liquidFields(variant: Variant, emailHtml?: string): LiquidField[] {
  const fields: LiquidField[] = [];
  const add = (path: string, source: string | undefined, escaping: Escaping = 'text') => {
    if (source !== undefined) fields.push({ path, source, escaping });
  };
  if (variant.email) {
    add('email.subject', variant.email.subject);
    add('email.body', emailHtml ?? variant.email.body, 'html');
    add('email.text', variant.email.text);
  }
  add('sms.text', variant.sms?.text);
  if (variant.messenger) {
    add('messenger.text', variant.messenger.text);
    add('messenger.buttonText', variant.messenger.buttonText);
    add('messenger.buttonUrl', variant.messenger.buttonUrl);
  }
  if (variant.push) {
    add('push.title', variant.push.title);
    add('push.body', variant.push.body);
    add('push.url', variant.push.url);
  }
  if (variant.whatsapp) {
    for (const [i, p] of variant.whatsapp.parameters.entries()) add(`whatsapp.parameters.${i}`, p);
    add('whatsapp.text', variant.whatsapp.text);
  }
  if (variant.webhook) jsonLeaves(variant.webhook.payload, 'webhook.payload', (path, s) => add(path, s));
  return fields;
}

/** Calls `visit` for every string leaf of a JSON value, with its dotted path. */
export function jsonLeaves(value: unknown, path: string, visit: (path: string, source: string) => void): void {
  if (typeof value === 'string') visit(path, value);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) jsonLeaves(v, `${path}.${i}`, visit);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) jsonLeaves(v, `${path}.${k}`, visit);
}
