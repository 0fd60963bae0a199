import { z } from 'zod';

/**
 * The template document as the API accepts it: per-language variants, each with content for the
 * channels it supports. Every string below (except names and the WhatsApp template's identity) is
 * a Liquid source, parsed at save so that a syntax error is a 400 naming its field, line and column.
 */
export const languageCode = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language code such as fa, ar or en');

const liquid = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const required = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const emailContent = z.strictObject({
  subject: required(500),
  /** MJML is compiled to HTML once at save; HTML is stored as written. */
  format: z.enum(['mjml', 'html']).default('html'),
  body: required(200_000),
  /** The text/plain part; generated from the rendered HTML when absent. */
  text: liquid(100_000).optional(),
});
export const smsContent = z.strictObject({ text: required(2000) });
/** Telegram, Bale, Eitaa and Rubika: a text with an optional link button. */
export const messengerContent = z.strictObject({
  text: required(4096),
  buttonText: liquid(64).optional(),
  buttonUrl: liquid(2000).optional(),
});
export const pushContent = z.strictObject({ title: required(200), body: required(1000), url: liquid(2000).optional() });
export const whatsappContent = z
  .strictObject({
    /** An approved template (required outside the 24-hour customer-service window). */
    templateName: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be an approved template name (lowercase letters, digits, _)').optional(),
    templateLanguage: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a WhatsApp language code such as fa or en_US').optional(),
    /** One Liquid expression per body parameter ({{1}}, {{2}} … of the approved template). */
    parameters: z.array(liquid(1000)).max(20).default([]),
    /** Free text, allowed inside the 24-hour window. */
    text: liquid(4096).optional(),
  })
  .refine((w) => w.templateName !== undefined || (w.text !== undefined && w.text.trim() !== ''), { message: 'needs an approved templateName or a text', path: ['templateName'] })
  .refine((w) => w.templateName === undefined || w.templateLanguage !== undefined, { message: 'is required with templateName', path: ['templateLanguage'] });
/** A JSON object whose string leaves are Liquid: rendered leaf by leaf, so a value can never break the JSON. */
export const webhookContent = z.strictObject({ payload: z.record(z.string(), z.unknown()) });

export const variantSchema = z
  .strictObject({
    email: emailContent.optional(),
    sms: smsContent.optional(),
    messenger: messengerContent.optional(),
    push: pushContent.optional(),
    whatsapp: whatsappContent.optional(),
    webhook: webhookContent.optional(),
  })
  .refine((v) => Object.values(v).some((c) => c !== undefined), { message: 'needs content for at least one channel' });

export const variantsSchema = z
  .record(languageCode, variantSchema)
  .refine((v) => Object.keys(v).length > 0, { message: 'needs at least one language variant' })
  .refine((v) => Object.keys(v).length <= 20, { message: 'at most 20 language variants' });

export const categorySchema = z.enum(['marketing', 'transactional']);
export const templateInput = z.strictObject({
  name: required(200),
  category: categorySchema,
  topic: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _').nullable().default(null),
  useVoice: z.boolean().default(false),
  variants: variantsSchema,
});

export type TemplateInput = z.output<typeof templateInput>;
export type Variant = z.output<typeof variantSchema>;
export type Variants = Record<string, Variant>;
export type Category = z.output<typeof categorySchema>;
export type ContentKind = keyof Variant;

export const toneSchema = z.enum(['formal', 'friendly']);
export type Tone = z.output<typeof toneSchema>;
export type LanguageMap = Record<string, string>;
export const voiceInput = z.strictObject({
  tone: toneSchema,
  /** Per language, a Liquid greeting such as «{{ customer.first_name }} گرامی»; unset languages use the built-in one for the tone. */
  greetings: z.record(languageCode, liquid(500)).default({}),
  signatures: z.record(languageCode, liquid(1000)).default({}),
});
export type VoiceInput = z.output<typeof voiceInput>;
