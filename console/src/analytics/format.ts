import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createFormatter, type Formatter } from '../i18n/format';
import { isLanguage, type Language } from '../i18n/language';
import { formatMoney } from '../i18n/money';
import type { Calendar, Grain, Kpi, KpiUnit, Period } from './types';

const LOCALES: Record<Language, string> = { fa: 'fa-IR', ar: 'ar-EG', en: 'en-GB' };
const CALENDAR_EXTENSION: Record<Calendar, string> = { gregorian: 'gregory', jalali: 'persian' };

/** Decimal places of a currency's stored minor unit, as the server counts them (IRR: 0). */
export function exponentOf(currency: string): number {
  if (currency.toUpperCase() === 'IRR') return 0;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * The unit people type money in: major units, except rials in Persian, which are typed in tomans
 * (as `formatMoney` shows them). `minor = typed × factor`.
 */
export function moneyInputFactor(currency: string, language: Language): number {
  if (currency.toUpperCase() === 'IRR' && language === 'fa') return 10;
  return 10 ** exponentOf(currency);
}

const utc = (day: string) => new Date(`${day.slice(0, 10)}T00:00:00Z`);

export interface AnalyticsFormat extends Formatter {
  language: Language;
  /** `12.5%` from 12.5 (percent KPIs and rates are 0–100). */
  percent(value: number, digits?: number): string;
  /** `12.5%` from 0.125 (shares are 0–1). */
  share(value: number, digits?: number): string;
  decimal(value: number, digits?: number): string;
  compact(value: number): string;
  money(minor: number, currency: string): string;
  compactMoney(minor: number, currency: string): string;
  /** A KPI value in its unit. */
  kpi(unit: KpiUnit, value: number, currency: string): string;
  /** Chart axis ticks of a KPI: short. */
  kpiTick(unit: KpiUnit, value: number, currency: string): string;
  /** `+12.5%`, or `+2.1 pp` for percent KPIs. */
  change(kpi: Pick<Kpi, 'unit' | 'change'>): string;
  /** A period's short label in the report's calendar: `Azar 1405`, `Q2 2026`, `12 Mar`. */
  period(period: Period, grain: Grain, calendar: Calendar): string;
  /** A calendar day in the given calendar (the language's own when left out). */
  calendarDay(day: string, calendar?: Calendar): string;
}

export function createAnalyticsFormat(language: Language, points: (value: string) => string, quarter: (q: string, year: string) => string): AnalyticsFormat {
  const base = createFormatter(language);
  const locale = LOCALES[language];
  const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
  const nf = (digits: number, extra: Intl.NumberFormatOptions = {}) => {
    const key = `n${digits}${JSON.stringify(extra)}`;
    let f = cache.get(key) as Intl.NumberFormat | undefined;
    if (!f) {
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, ...extra });
      cache.set(key, f);
    }
    return f;
  };
  const df = (calendar: Calendar, options: Intl.DateTimeFormatOptions) => {
    const key = `d${calendar}${JSON.stringify(options)}`;
    let f = cache.get(key) as Intl.DateTimeFormat | undefined;
    if (!f) {
      f = new Intl.DateTimeFormat(`${locale}-u-ca-${CALENDAR_EXTENSION[calendar]}`, { timeZone: 'UTC', ...options });
      cache.set(key, f);
    }
    return f;
  };
  const percent = (value: number, digits = 1) => nf(digits, { style: 'percent' }).format(value / 100);
  const money = (minor: number, currency: string) => formatMoney(minor, currency, language);
  const compactMoney = (minor: number, currency: string) => {
    if (currency.toUpperCase() === 'IRR' && language === 'fa') return nf(1, { notation: 'compact' }).format(minor / 10);
    try {
      return nf(1, { notation: 'compact', style: 'currency', currency }).format(minor / 10 ** exponentOf(currency));
    } catch {
      return nf(1, { notation: 'compact' }).format(minor / 10 ** exponentOf(currency));
    }
  };
  const decimal = (value: number, digits = 2) => nf(digits).format(value);

  return {
    ...base,
    language,
    percent,
    share: (value, digits = 1) => percent(value * 100, digits),
    decimal,
    compact: (value) => nf(1, { notation: 'compact' }).format(value),
    money,
    compactMoney,
    kpi: (unit, value, currency) => {
      switch (unit) {
        case 'percent':
          return percent(value);
        case 'money':
          return money(value, currency);
        case 'ratio':
          return decimal(value);
        default:
          return nf(Number.isInteger(value) ? 0 : 1).format(value);
      }
    },
    kpiTick: (unit, value, currency) => {
      if (unit === 'percent') return percent(value, 0);
      if (unit === 'money') return compactMoney(value, currency);
      return nf(1, { notation: 'compact' }).format(value);
    },
    change: ({ unit, change }) => {
      if (change === null) return '';
      if (unit === 'percent') return points(nf(1, { signDisplay: 'exceptZero' }).format(change));
      return nf(1, { style: 'percent', signDisplay: 'exceptZero' }).format(change / 100);
    },
    period: (period, grain, calendar) => {
      const start = utc(period.start);
      switch (grain) {
        case 'day':
        case 'week':
          return df(calendar, { day: 'numeric', month: 'short' }).format(start);
        case 'month':
          return df(calendar, { month: 'short', year: 'numeric' }).format(start);
        case 'quarter': {
          const parts = new Intl.DateTimeFormat(`en-u-ca-${CALENDAR_EXTENSION[calendar]}-nu-latn`, { timeZone: 'UTC', month: 'numeric' }).formatToParts(start);
          const month = Number(parts.find((p) => p.type === 'month')?.value ?? 1);
          return quarter(nf(0).format(Math.ceil(month / 3)), df(calendar, { year: 'numeric' }).format(start));
        }
        default:
          return df(calendar, { year: 'numeric' }).format(start);
      }
    },
    calendarDay: (day, calendar) => (calendar ? df(calendar, { dateStyle: 'long' }).format(utc(day)) : base.day(day)),
  };
}

/** Number, money, KPI and period formatting in the console's language. */
export function useAnalyticsFormat(): AnalyticsFormat {
  const { t, i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  return useMemo(
    () =>
      createAnalyticsFormat(
        language,
        (value) => t('analytics.units.points', { value }),
        (q, year) => t('analytics.units.quarter', { q, year }),
      ),
    [language, t],
  );
}
