import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ar } from './ar';
import { en } from './en';
import { fa } from './fa';
import { applyToDocument, initialLanguage } from './language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** Initialise i18next synchronously (resources are bundled) and set <html lang dir>. */
export function setupI18n(): void {
  const language = initialLanguage();
  applyToDocument(language);
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, fa: { translation: fa }, ar: { translation: ar } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
}
