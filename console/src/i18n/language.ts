import { useDirection } from '@mantine/core';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

export type Language = 'fa' | 'ar' | 'en';
export type Direction = 'rtl' | 'ltr';

/** Labels are each language's own name for itself, so they are not translated. */
export const LANGUAGES: readonly { code: Language; label: string; dir: Direction }[] = [
  { code: 'fa', label: 'فارسی', dir: 'rtl' },
  { code: 'ar', label: 'العربية', dir: 'rtl' },
  { code: 'en', label: 'English', dir: 'ltr' },
];

const STORAGE_KEY = 'vafa.language';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((l) => l.code === value);
}

export function directionOf(language: Language): Direction {
  return LANGUAGES.find((l) => l.code === language)?.dir ?? 'ltr';
}

/** The stored choice, else the browser's language when we have it, else English. */
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // storage may be disabled; fall through
  }
  const browser = navigator.language?.slice(0, 2);
  return isLanguage(browser) ? browser : 'en';
}

/** `lang` and `dir` on <html>: the browser, Mantine and our logical CSS all follow it. */
export function applyToDocument(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

export function useLanguage(): { language: Language; setLanguage: (language: Language) => void } {
  const { i18n } = useTranslation();
  const { setDirection } = useDirection();
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  const setLanguage = useCallback(
    (next: Language) => {
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // not persisted; the switch still applies to this tab
      }
      applyToDocument(next);
      setDirection(directionOf(next));
      void i18n.changeLanguage(next);
    },
    [i18n, setDirection],
  );
  return { language, setLanguage };
}
