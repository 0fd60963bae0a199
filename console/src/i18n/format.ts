import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from './language';

/**
 * fa-IR gives the Jalali calendar with Persian digits (`۱ آذر ۱۴۰۵`), ar-EG Arabic-Indic
 * digits, en-GB day-month-year.
 */
const LOCALES: Record<Language, string> = { fa: 'fa-IR', ar: 'ar-EG', en: 'en-GB' };

export interface Formatter {
  locale: string;
  /** `۱ آذر ۱۴۰۵` */
  date(value: string | Date | null | undefined): string;
  /** `یکشنبه ۱ آذر ۱۴۰۵` — composed, because `dateStyle: 'full'` reads oddly in fa. */
  longDate(value: string | Date | null | undefined): string;
  /** `۱ آذر ۱۴۰۵، ۱۴:۰۵` */
  dateTime(value: string | Date | null | undefined): string;
  /** A calendar day without time (`YYYY-MM-DD`), never shifted by the time zone. */
  day(value: string | null | undefined): string;
  number(value: number | null | undefined): string;
}

function toDate(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function createFormatter(language: Language): Formatter {
  const locale = LOCALES[language];
  const longDate = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'long' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const utcDay = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const numbers = new Intl.NumberFormat(locale);
  const separator = language === 'en' ? ', ' : '، ';

  const guard =
    (fn: (d: Date) => string) =>
    (value: string | Date | null | undefined): string => {
      if (value === null || value === undefined || value === '') return '';
      const date = toDate(value);
      return date ? fn(date) : String(value);
    };

  return {
    locale,
    date: guard((d) => longDate.format(d)),
    longDate: guard((d) => `${weekday.format(d)} ${longDate.format(d)}`),
    dateTime: guard((d) => `${longDate.format(d)}${separator}${time.format(d)}`),
    day: (value) => {
      if (!value) return '';
      const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? toDate(`${value}T00:00:00Z`) : null;
      return date ? utcDay.format(date) : value;
    },
    number: (value) => (value === null || value === undefined ? '' : numbers.format(value)),
  };
}

/** The formatter for the language the console is shown in. */
export function useFormat(): Formatter {
  const { i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  return useMemo(() => createFormatter(language), [language]);
}
