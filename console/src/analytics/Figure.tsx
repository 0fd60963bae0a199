import { Text, type TextProps, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';

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
  if (value === null || value === undefined || !Number.isFinite(value)) {
    const dash = (
      <Text span c="dimmed" {...text} data-testid={testId} data-null="true">
        —
      </Text>
    );
    return reason ? (
      <Tooltip label={reason} multiline maw={280} withArrow>
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
