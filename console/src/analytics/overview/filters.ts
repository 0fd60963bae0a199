import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { CALENDARS, GRAINS, type KpiQuery, RFM_SEGMENTS } from '../types';

const pick = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.includes(value as T) ? (value as T) : undefined;

/** The overview's pickers live in the address (`?grain=week&segment=loyal`), so a view can be shared. */
export function useOverviewQuery(): [KpiQuery, (patch: Partial<KpiQuery>) => void] {
  const [params, setParams] = useSearchParams();
  const query = useMemo<KpiQuery>(() => {
    const periods = Number(params.get('periods'));
    return {
      grain: pick(GRAINS, params.get('grain')) ?? 'month',
      calendar: pick(CALENDARS, params.get('calendar')),
      periods: Number.isInteger(periods) && periods >= 1 && periods <= 60 ? periods : 12,
      date: /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? (params.get('date') as string) : undefined,
      segment: pick(RFM_SEGMENTS, params.get('segment')),
      tag: params.get('tag') || undefined,
      channel: params.get('channel') || undefined,
    };
  }, [params]);
  const update = useCallback(
    (patch: Partial<KpiQuery>) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(patch)) {
            if (value === undefined || value === null || value === '') next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [query, update];
}

/** Today as `YYYY-MM-DD` in the browser's time zone. */
export function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** Days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
