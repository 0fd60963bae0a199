import { z } from 'zod';
import type { AttributeType } from '../../customers/tables.ts';
import type { Category, TemplateInput, Variants } from '../../messaging/templates/schema.ts';
import type { Goal, JourneyDefinition, Step, Trigger } from '../model/schema.ts';

/**
 * A ready-made journey: what installing it creates (templates through the templates service,
 * attribute definitions it writes, a draft journey wired to them). After install it is an
 * ordinary draft: every step, text and setting can be changed before activation.
 */
export const languages = ['fa', 'ar', 'en'] as const;
export type Language = (typeof languages)[number];
export type Localized = Record<Language, string>;

/** What a customer reads, per language: an email (subject, paragraphs of Liquid) and an SMS. */
export interface Copy {
  subject: string;
  paragraphs: string[];
  sms: string;
}

export interface TemplateSpec {
  /** The step that sends it, and the key of its id in the install answer. */
  key: string;
  label: Localized;
  category: Category;
  copy: Record<Language, Copy>;
}

/** Settings a recipe lets the installer change; each recipe says which it takes. */
export const overridesShape = {
  name: z.string().trim().min(1, 'must not be empty').max(200).optional().describe("The journey's name (default: the recipe's, in the caller's language)"),
  days: z.number().int().min(1).max(3650).optional().describe('The number of days the recipe is built around (its description says which)'),
  hours: z.number().int().min(1).max(720).optional().describe('Cart abandonment: hours without an order after the cart'),
  orderAbove: z.number().positive().optional().describe("VIP: the order total, in the workspace's display currency, that makes a VIP moment"),
  attribute: z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'must be a custom attribute key').optional().describe('Subscription renewal: the date attribute holding the expiry'),
  percent: z.number().int().min(1).max(90).optional().describe('Browse abandonment: the discount on that product, in percent'),
};
export type OverrideKey = Exclude<keyof typeof overridesShape, 'name'>;
export type Overrides = { [K in keyof typeof overridesShape]?: z.infer<(typeof overridesShape)[K]> };

export interface RecipeDefinition {
  trigger: Trigger;
  start: string;
  steps: Step[];
  goal: Goal | null;
  reentry: JourneyDefinition['reentry'];
}

export interface Recipe {
  key: string;
  name: Localized;
  description: Localized;
  /** The trigger in words, for the list (with the installer's settings applied). */
  triggerSummary(o: Overrides, language: Language): string;
  /** The settings it takes besides `name`. */
  accepts: readonly OverrideKey[];
  /** Custom attributes its steps write or its trigger reads (given the installer's settings), defined at install when missing. */
  attributes(o: Overrides): readonly RecipeAttribute[];
  templates: readonly TemplateSpec[];
  /** The journey, given the installer's settings, the created templates' ids by key and the installer's language (task titles). */
  build(o: Overrides, templateIds: Record<string, string>, language: Language): RecipeDefinition;
}

export interface RecipeAttribute {
  key: string;
  type: AttributeType;
  label: string;
}

/** The attribute every recipe with a code records it in, so support sees what a customer was promised. */
export const giftCodeAttribute = { key: 'last_gift_code', type: 'string' as const, label: 'Last gift code (journeys)' };

/** The customer's first name if known, as each language opens a message. */
const greeting: Localized = {
  fa: '{% if customer.first_name %}سلام {{ customer.first_name }}،{% else %}سلام،{% endif %}',
  ar: '{% if customer.first_name %}مرحباً {{ customer.first_name }}،{% else %}مرحباً،{% endif %}',
  en: '{% if customer.first_name %}Hello {{ customer.first_name }},{% else %}Hello,{% endif %}',
};
/** The start of an SMS: the first name and a comma, or nothing. */
export const smsName: Localized = {
  fa: '{% if customer.first_name %}{{ customer.first_name }}، {% endif %}',
  ar: '{% if customer.first_name %}{{ customer.first_name }}، {% endif %}',
  en: '{% if customer.first_name %}{{ customer.first_name }}, {% endif %}',
};
const signOff: Localized = { fa: 'تیم {{ workspace.name }}', ar: 'فريق {{ workspace.name }}', en: 'The {{ workspace.name }} team' };
const unsubscribe: Localized = {
  fa: 'این ایمیل را چون مشترک خبرنامهٔ {{ workspace.name }} هستید دریافت کرده‌اید. <a href="{{ links.unsubscribe }}">لغو اشتراک</a>',
  ar: 'وصلتك هذه الرسالة لأنك مشترك في رسائل {{ workspace.name }}. <a href="{{ links.unsubscribe }}">إلغاء الاشتراك</a>',
  en: 'You receive this because you subscribed to {{ workspace.name }} emails. <a href="{{ links.unsubscribe }}">Unsubscribe</a>',
};
/** SMS opt-out lines: the Iranian operators' «لغو۱۱» for Persian, the unsubscribe link otherwise. */
export const smsOptOut: Localized = { fa: 'لغو۱۱', ar: 'لإلغاء الاشتراك: {{ links.unsubscribe }}', en: 'Opt out: {{ links.unsubscribe }}' };

const rtl = (language: Language) => language !== 'en';

/** A plain, mobile-friendly HTML email: greeting, paragraphs, sign-off, and for marketing the unsubscribe footer. */
export function emailHtml(language: Language, category: Category, paragraphs: readonly string[]): string {
  const dir = rtl(language) ? 'rtl' : 'ltr';
  const font = rtl(language) ? 'Vazirmatn,Tahoma,Arial,sans-serif' : 'Helvetica,Arial,sans-serif';
  const body = [greeting[language], ...paragraphs].map((p) => `<p>${p}</p>`).join('\n');
  const footer = category === 'marketing' ? `\n<p style="font-size:12px;color:#777">${unsubscribe[language]}</p>` : '';
  return `<div dir="${dir}" lang="${language}" style="font-family:${font};font-size:15px;line-height:1.9;max-width:560px">\n${body}\n<p>${signOff[language]}</p>${footer}\n</div>`;
}

/** The template the templates service stores for a spec: email and SMS in fa, ar and en. */
export function templateInputOf(spec: TemplateSpec, name: string): TemplateInput {
  const variants: Variants = {};
  for (const language of languages) {
    const copy = spec.copy[language];
    const sms = spec.category === 'marketing' ? `${copy.sms}\n${smsOptOut[language]}` : copy.sms;
    variants[language] = { email: { subject: copy.subject, format: 'html', body: emailHtml(language, spec.category, copy.paragraphs) }, sms: { text: sms } };
  }
  return { name, category: spec.category, topic: null, useVoice: false, variants };
}

/**
 * An amount a template prints from the run's context: Iranian money (stored as rials, IRR) as
 * tomans in Persian, other currencies through the money filter in the message's language; nothing
 * when the amount is unknown. `amount` and `currency` are Liquid expressions (context paths).
 */
export function priceOf(amount: string, currency: string, language: Language): string {
  const other = `{{ ${amount} | money: ${currency}, "${language}" }}`;
  const iranian = language === 'fa' ? `{{ ${amount} | toman }}` : other;
  return `{% if ${amount} %}{% if ${currency} == "IRR" %}${iranian}{% else %}${other}{% endif %}{% endif %}`;
}
