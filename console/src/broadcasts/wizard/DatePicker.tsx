import { ActionIcon, Group, SimpleGrid, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
// The server's Jalali conversion (pure, no Node APIs), shared so the two never drift.
import { gregorianToJalali, jalaliMonthLength, jalaliToGregorian } from '../../../../src/platform/calendar/jalali';

/** A calendar day as `YYYY-MM-DD` (Gregorian), whatever calendar the grid shows. */
export type IsoDay = string;

export type CalendarKind = 'jalali' | 'gregorian';

const pad = (n: number) => String(n).padStart(2, '0');
const isoOf = (y: number, m: number, d: number): IsoDay => `${y}-${pad(m)}-${pad(d)}`;

export function todayIso(now = new Date()): IsoDay {
  return isoOf(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

interface MonthView {
  year: number;
  month: number;
}

/** Each cell of one month in the chosen calendar: the Gregorian day it is and its number there. */
function monthCells(calendar: CalendarKind, view: MonthView): { leading: number; days: { iso: IsoDay; day: number }[] } {
  if (calendar === 'jalali') {
    const length = jalaliMonthLength(view.year, view.month);
    const days = Array.from({ length }, (_, i) => {
      const g = jalaliToGregorian(view.year, view.month, i + 1);
      return { iso: isoOf(g.year, g.month, g.day), day: i + 1 };
    });
    const first = jalaliToGregorian(view.year, view.month, 1);
    // The Iranian week starts on Saturday (getUTCDay 6).
    return { leading: (new Date(Date.UTC(first.year, first.month - 1, first.day)).getUTCDay() + 1) % 7, days };
  }
  const length = new Date(Date.UTC(view.year, view.month, 0)).getUTCDate();
  const days = Array.from({ length }, (_, i) => ({ iso: isoOf(view.year, view.month, i + 1), day: i + 1 }));
  return { leading: (new Date(Date.UTC(view.year, view.month - 1, 1)).getUTCDay() + 6) % 7, days };
}

function viewOf(calendar: CalendarKind, iso: IsoDay): MonthView {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  if (calendar === 'gregorian') return { year: y, month: m };
  const j = gregorianToJalali(y, m, d);
  return { year: j.year, month: j.month };
}

const step = (v: MonthView, by: 1 | -1): MonthView => {
  const month = v.month + by;
  if (month < 1) return { year: v.year - 1, month: 12 };
  if (month > 12) return { year: v.year + 1, month: 1 };
  return { year: v.year, month };
};

/**
 * A month grid in the Jalali calendar (Persian month names, Saturday first, Persian digits) or
 * the Gregorian one. Mantine has no Jalali picker; the conversion is the server's (jalali.ts).
 * Days before `min` cannot be picked.
 */
export function DatePicker({ value, onChange, calendar, min, testId = 'date-picker' }: { value: IsoDay | null; onChange: (day: IsoDay) => void; calendar: CalendarKind; min?: IsoDay; testId?: string }) {
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<MonthView>(() => viewOf(calendar, value ?? min ?? todayIso()));
  const locale = calendar === 'jalali' ? 'fa-IR' : i18n.language === 'ar' ? 'ar-EG' : 'en-GB';
  const digits = useMemo(() => new Intl.NumberFormat(locale, { useGrouping: false }), [locale]);
  const { leading, days } = monthCells(calendar, view);
  const monthName =
    calendar === 'jalali'
      ? t(`segments.months.jalali.m${view.month as 1}`)
      : new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC', calendar: 'gregory' }).format(new Date(Date.UTC(view.year, view.month - 1, 1)));
  // Weekday initials from a known Saturday (2024-01-06) or Monday (2024-01-08), in display order.
  const weekdayName = new Intl.DateTimeFormat(locale, { weekday: 'narrow', timeZone: 'UTC' });
  const weekdays = Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2024, 0, (calendar === 'jalali' ? 6 : 8) + i)));
  // In RTL the "previous" arrow points right.
  const rtl = calendar === 'jalali' || i18n.language === 'ar';
  const Prev = rtl ? IconChevronRight : IconChevronLeft;
  const Next = rtl ? IconChevronLeft : IconChevronRight;

  return (
    <Stack gap={6} w={280} data-testid={testId} data-calendar={calendar}>
      <Group justify="space-between">
        <ActionIcon variant="subtle" aria-label={t('broadcasts.picker.previousMonth')} onClick={() => setView((v) => step(v, -1))} data-testid={`${testId}-prev`}>
          <Prev size={16} />
        </ActionIcon>
        <Text fw={600} data-testid={`${testId}-month`}>
          {monthName} {digits.format(view.year)}
        </Text>
        <ActionIcon variant="subtle" aria-label={t('broadcasts.picker.nextMonth')} onClick={() => setView((v) => step(v, 1))} data-testid={`${testId}-next`}>
          <Next size={16} />
        </ActionIcon>
      </Group>
      <SimpleGrid cols={7} spacing={2} verticalSpacing={2}>
        {weekdays.map((w) => (
          <Text key={w.toISOString()} size="xs" c="dimmed" ta="center">
            {weekdayName.format(w)}
          </Text>
        ))}
        {leading > 0 && <span style={{ gridColumn: `span ${leading}` }} />}
        {days.map(({ iso, day }) => {
          const disabled = min !== undefined && iso < min;
          const selected = iso === value;
          return (
            <UnstyledButton
              key={iso}
              disabled={disabled}
              onClick={() => onChange(iso)}
              data-testid={`${testId}-day`}
              data-date={iso}
              data-selected={selected || undefined}
              aria-pressed={selected}
              style={{
                textAlign: 'center',
                borderRadius: 6,
                padding: '4px 0',
                opacity: disabled ? 0.35 : 1,
                cursor: disabled ? 'not-allowed' : 'pointer',
                background: selected ? 'var(--mantine-color-blue-filled)' : undefined,
                color: selected ? 'var(--mantine-color-white)' : undefined,
              }}
            >
              {digits.format(day)}
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
