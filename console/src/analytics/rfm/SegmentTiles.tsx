import { Box, Group, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAnalyticsFormat } from '../format';
import { SEGMENT_COLOR } from '../segments';
import type { RfmReport, RfmSegment } from '../types';

/**
 * A treemap-like strip: each segment is a tile whose width grows with its share of customers,
 * so the big groups stand out at a glance. Flex layout, so it flows right to left in RTL.
 */
export function SegmentTiles({ report, selected, onSelect }: { report: RfmReport; selected: RfmSegment | null; onSelect: (segment: RfmSegment) => void }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const segments = [...report.segments].filter((s) => s.customers > 0).sort((a, b) => b.customers - a.customers);
  return (
    <Box style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }} data-testid="rfm-tiles">
      {segments.map((s) => {
        const color = SEGMENT_COLOR[s.segment];
        const active = selected === s.segment;
        return (
          <UnstyledButton
            key={s.segment}
            onClick={() => onSelect(s.segment)}
            aria-pressed={active}
            data-testid="rfm-segment"
            data-segment={s.segment}
            data-customers={s.customers}
            style={{
              flex: `${Math.max(s.share, 2)} 1 150px`,
              minHeight: 92,
              padding: 10,
              borderRadius: 8,
              background: `var(--mantine-color-${color}-${active ? 2 : 0})`,
              border: `2px solid var(--mantine-color-${color}-${active ? 7 : 3})`,
            }}
          >
            <Text fw={700} size="sm" c={`${color}.9`}>
              {t(`analytics.segments.${s.segment}`)}
            </Text>
            <Group gap={6} align="baseline">
              <Text fw={700} fz={22} data-testid="rfm-segment-count">
                {format.number(s.customers)}
              </Text>
              <Text size="xs" c="dimmed">
                {format.percent(s.share)}
              </Text>
            </Group>
            <Text size="xs" c="dimmed">
              {format.money(s.revenue, report.currency)}
            </Text>
          </UnstyledButton>
        );
      })}
    </Box>
  );
}
