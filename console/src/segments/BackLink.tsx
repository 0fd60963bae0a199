import { Anchor, Group, useDirection } from '@mantine/core';
import { IconArrowLeft, IconArrowRight } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** "← Back" that points the reading direction's way (→ in Persian and Arabic). */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  const { dir } = useDirection();
  const Arrow = dir === 'rtl' ? IconArrowRight : IconArrowLeft;
  return (
    <Anchor component={Link} to={to} size="sm" data-testid="segments-back">
      <Group gap={4}>
        <Arrow size={14} />
        {children}
      </Group>
    </Anchor>
  );
}
