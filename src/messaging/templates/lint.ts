import { liquidFields } from './fields.ts';
import type { Category, Variants } from './schema.ts';
import { smsSize } from './sms.ts';
import { voiceFor, type Voice } from './voice.ts';

/**
 * The template check, run on save and on demand. It returns warnings, never errors: a marketer
 * may knowingly send a long SMS; what matters is that nobody does it by accident.
 */
export interface LintWarning {
  code: 'missing-unsubscribe' | 'missing-opt-out' | 'informal-in-formal-voice' | 'formal-in-friendly-voice' | 'missing-default-language' | 'subject-too-long' | 'sms-too-long';
  field: string;
  message: string;
}

export interface LintInput {
  category: Category;
  useVoice: boolean;
  variants: Variants;
}

export interface LintContext {
  voice: Pick<Voice, 'tone' | 'greetings' | 'signatures'>;
  defaultLanguage: string;
}

/** Mobile mail apps show about this many characters of a subject before cutting it. */
export const SUBJECT_MOBILE_LIMIT = 50;
/** More segments than this makes a marketing SMS cost several messages per recipient. */
export const SMS_MAX_SEGMENTS = 2;
/** A variable's value is unknown at save time: we count it as this many characters. */
const VARIABLE_WIDTH = 8;

/** Words that break a formal voice, and words that make a friendly voice stiff, per language (matched as whole words). */
export const voiceWords: Record<string, { informal: string[]; formal: string[] }> = {
  fa: {
    informal: ['جان', 'جونم', 'عزیزم', 'مرسی', 'چطوری', 'داداش', 'رفیق', 'بچه‌ها', 'خفن', 'باحال', 'هستی', 'میخوای', 'بیا'],
    formal: ['گرامی', 'محترم', 'احتراماً', 'ارادتمند', 'خواهشمند است', 'مستدعی', 'حضرتعالی', 'جنابعالی'],
  },
  ar: {
    informal: ['حبيبي', 'يا هلا', 'هلا', 'شلونك', 'كيفك', 'يلا'],
    formal: ['المحترم', 'حضرة', 'تفضلوا', 'نحيطكم علماً', 'سيادتكم'],
  },
  en: {
    informal: ['hey', 'hiya', 'yo', 'gonna', 'wanna', 'awesome', 'buddy', 'folks', 'lol'],
    formal: ['dear sir', 'dear madam', 'hereby', 'herewith', 'kindly', 'sincerely', 'esteemed', 'pursuant'],
  },
};

/** Opt-out wording an SMS may carry instead of a link ("لغو11" is the Iranian operators' convention). */
const OPT_OUT = /links\.(unsubscribe|preferences)|لغو|انصراف|إلغاء|\bstop\b/i;

/** What Liquid would print, with every output standing in for VARIABLE_WIDTH characters and tags removed. */
export const roughText = (source: string) => source.replace(/\{\{.*?\}\}/gs, 'x'.repeat(VARIABLE_WIDTH)).replace(/\{%.*?%\}/gs, '');

/** Words as a space-joined, lower-case sequence, so that "جان" never matches inside "جانبی". */
const words = (text: string) => ` ${text.replace(/\{\{.*?\}\}|\{%.*?%\}|<[^>]*>/gs, ' ').toLowerCase().split(/[^\p{L}\p{M}\u200c]+/u).filter(Boolean).join(' ')} `;

export function lintTemplate(template: LintInput, context: LintContext): LintWarning[] {
  const warnings: LintWarning[] = [];
  const { tone } = context.voice;
  if (!template.variants[context.defaultLanguage]) {
    warnings.push({ code: 'missing-default-language', field: 'variants', message: `No ${context.defaultLanguage} variant: customers without a language of their own will get ${Object.keys(template.variants)[0] ?? 'nothing'}` });
  }
  for (const [language, variant] of Object.entries(template.variants)) {
    const at = (path: string) => `variants.${language}.${path}`;
    const voice = template.useVoice ? voiceFor(context.voice, language) : { greeting: '', signature: '' };
    if (template.category === 'marketing' && variant.email) {
      const sources = `${variant.email.body}${variant.email.text ?? ''}`;
      if (!/links\.unsubscribe/.test(sources)) {
        warnings.push({ code: 'missing-unsubscribe', field: at('email.body'), message: 'A marketing email needs an unsubscribe link: add {{ links.unsubscribe }}' });
      }
    }
    if (variant.sms) {
      if (template.category === 'marketing' && !OPT_OUT.test(variant.sms.text)) {
        warnings.push({ code: 'missing-opt-out', field: at('sms.text'), message: 'A marketing SMS needs an opt-out line (e.g. «لغو۱۱» or {{ links.unsubscribe }})' });
      }
      const text = [voice.greeting, variant.sms.text, voice.signature].filter(Boolean).map(roughText).join('\n');
      const size = smsSize(text);
      if (size.segments > SMS_MAX_SEGMENTS) {
        warnings.push({ code: 'sms-too-long', field: at('sms.text'), message: `About ${size.units} ${size.encoding === 'ucs2' ? 'UCS-2' : 'GSM-7'} characters: ${size.segments} SMS segments per recipient (more than ${SMS_MAX_SEGMENTS})` });
      }
    }
    if (variant.email) {
      const length = [...roughText(variant.email.subject)].length;
      if (length > SUBJECT_MOBILE_LIMIT) {
        warnings.push({ code: 'subject-too-long', field: at('email.subject'), message: `The subject is about ${length} characters; mobile inboxes cut it after about ${SUBJECT_MOBILE_LIMIT}` });
      }
    }
    const list = voiceWords[language.split('-')[0] ?? language];
    if (!list) continue;
    const offending = tone === 'formal' ? list.informal : list.formal;
    for (const field of liquidFields(variant)) {
      const text = words(field.source);
      const found = offending.filter((w) => text.includes(` ${w} `));
      if (found.length) {
        warnings.push({
          code: tone === 'formal' ? 'informal-in-formal-voice' : 'formal-in-friendly-voice',
          field: at(field.path),
          message: `The brand voice is ${tone} but this uses ${found.map((w) => `«${w}»`).join(', ')}`,
        });
      }
    }
  }
  return warnings;
}

