/**
 * Text normalisation for Persian, Arabic and Latin script, used for search keys.
 * The stored display text is never changed; only its search key is.
 */
const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

const letterMap: Record<string, string> = {
  'ي': 'ی', // Arabic yeh → Persian yeh
  'ى': 'ی', // alef maksura
  'ئ': 'ی',
  'ك': 'ک', // Arabic kaf → Persian keheh
  'ة': 'ه',
  'ۀ': 'ه',
  'أ': 'ا',
  'إ': 'ا',
  'آ': 'ا',
  'ٱ': 'ا',
  'ؤ': 'و',
};

/** Persian and Arabic-Indic digits → ASCII digits. */
export function toLatinDigits(text: string): string {
  return text.replace(/[۰-۹٠-٩]/g, (d) => {
    const p = PERSIAN_DIGITS.indexOf(d);
    return String(p >= 0 ? p : ARABIC_DIGITS.indexOf(d));
  });
}

/** ASCII digits → Persian digits, for display in fa. */
export const toPersianDigits = (text: string) => text.replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)] ?? d);

/**
 * The search key: lower case, ASCII digits, one spelling of each Persian/Arabic letter,
 * no diacritics, no tatweel, ZWNJ treated as a word joiner (علی‌رضا = علیرضا), single spaces.
 */
export function searchKey(text: string): string {
  return toLatinDigits(text.normalize('NFC'))
    .toLowerCase()
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '') // harakat, superscript alef, tatweel
    .replace(/\u200C|\u200D|\u200E|\u200F|\u00AD/g, '') // ZWNJ, ZWJ, direction marks, soft hyphen
    .replace(/[يىئكةۀأإآٱؤ]/g, (c) => letterMap[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}
