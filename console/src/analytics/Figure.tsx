import { Text, type TextProps, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { translateReason } from './reasons';

/**
 * A figure, or "—" with the server's reason in a tooltip when there is none (never NaN).
 * `render` only runs for a real number.
 */
export function Figure({ value, reason, render, testId, ...text }: {
  value: number | null | undefined;
  reason?: string | null;
  render: (value: number) => ReactNode;
  testId?: string;
} & TextProps) {
  const { t } = useTranslation();
  if (value === null || value === undefined || !Number.isFinite(value)) {
    const dash = (
      <Text span c="dimmed" {...text} data-testid={testId} data-null="true">
        —
      </Text>
    );
    return reason ? (
      <Tooltip label={translateReason(t, reason)} multiline maw={280} withArrow>
        {dash}
      </Tooltip>
    ) : (
      dash
    );
  }
  return (
    <Text span {...text} data-testid={testId}>
      {render(value)}
    </Text>
  );
}
