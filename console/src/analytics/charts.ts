import { useDirection } from '@mantine/core';
import { useMemo } from 'react';
import type { XAxisProps, YAxisProps } from 'recharts';

interface Mirror {
  rtl: boolean;
  xAxisProps: Omit<XAxisProps, 'ref'>;
  yAxisProps: Omit<YAxisProps, 'ref'>;
}

/**
 * Recharts draws left to right whatever the page direction. In Persian and Arabic the time
 * axis runs right to left and the value axis stands on the right, as people there read charts.
 * Spread the result into a Mantine chart: `<LineChart {...mirror} … />`.
 */
export function useChartMirror(): Mirror {
  const { dir } = useDirection();
  return useMemo((): Mirror => {
    if (dir !== 'rtl') return { rtl: false, xAxisProps: {}, yAxisProps: {} };
    return {
      rtl: true,
      xAxisProps: { reversed: true },
      yAxisProps: { orientation: 'right' as const, tick: { transform: 'translate(10, 0)', fontSize: 12, fill: 'currentColor', textAnchor: 'start' as const } },
    };
  }, [dir]);
}

/** Colours of the chart series, the same on every analytics page. */
export const SERIES = { primary: 'teal.6', secondary: 'indigo.5', muted: 'gray.5', good: 'teal.6', bad: 'red.6' } as const;

/**
 * The background of a heat-map cell: teal, from pale (0) to strong (1). Text on strong cells
 * turns white so it stays readable.
 */
export function heat(fraction: number): { background: string; color: string } {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  if (f === 0) return { background: 'var(--mantine-color-gray-0)', color: 'var(--mantine-color-dimmed)' };
  const lightness = 96 - f * 62;
  return { background: `hsl(174 62% ${lightness}%)`, color: lightness < 58 ? 'white' : 'var(--mantine-color-text)' };
}
