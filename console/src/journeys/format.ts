import { useMemo } from 'react';
import { useFormat } from '../i18n/format';

/** A 0–1 share as `12.5%` in the console's locale (Persian digits and sign in fa). */
export function usePercent(): (share: number) => string {
  const { locale } = useFormat();
  return useMemo(() => {
    const f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    return (share: number) => f.format(share);
  }, [locale]);
}
