import { Badge, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { type Icon, IconBolt } from '@tabler/icons-react';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { usePercent } from '../format';
import { NODE_WIDTH } from './graph';

export interface StepNodeData extends Record<string, unknown> {
  icon: Icon;
  /** The kind's label ("Send message"). */
  kindLabel: string;
  title: string;
  summary: string;
  /** null for the trigger (it has no target handle). */
  stepId: string | null;
  ports: { key: string; label: string }[];
  problems: string[];
  stats: { current: number; reached: number; dropOff: number } | null;
  onPath: boolean;
  dir: 'ltr' | 'rtl';
}

export type StepFlowNode = Node<StepNodeData, 'step'>;

/** One step on the canvas: icon, name, a one-line summary, live counters, its ports as handles. */
export function StepNode({ data, selected }: NodeProps<StepFlowNode>) {
  const { t } = useTranslation();
  const format = useFormat();
  const percent = usePercent();
  const NodeIcon = data.stepId === null ? IconBolt : data.icon;
  const problem = data.problems.length > 0;
  const border = problem ? 'var(--mantine-color-red-6)' : data.onPath ? 'var(--mantine-color-blue-6)' : selected ? 'var(--mantine-color-dark-3)' : undefined;
  return (
    <Paper
      withBorder
      shadow={selected ? 'md' : 'xs'}
      radius="md"
      p="xs"
      w={NODE_WIDTH}
      dir={data.dir}
      style={{ borderColor: border, borderWidth: border ? 2 : undefined, background: data.onPath ? 'var(--mantine-color-blue-0)' : problem ? 'var(--mantine-color-red-0)' : undefined }}
      data-testid={data.stepId === null ? 'journey-node-trigger' : `journey-node-${data.stepId}`}
      data-on-path={data.onPath}
      data-has-problem={problem}
    >
      {data.stepId !== null && <Handle type="target" position={Position.Top} />}
      <Stack gap={4}>
        <Group gap={6} wrap="nowrap" justify="space-between">
          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
            <NodeIcon size={18} stroke={1.7} />
            <Text fw={600} size="sm" truncate>
              {data.title}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {data.kindLabel}
          </Text>
        </Group>
        <Text size="xs" lineClamp={2} data-testid="node-summary">
          {data.summary}
        </Text>
        {data.stats && (
          <Group gap={4}>
            <Tooltip label={t('journeys.counters.currentHint')}>
              <Badge size="xs" variant="light" color="blue" data-testid="node-current" data-value={data.stats.current}>
                {t('journeys.counters.current', { n: format.number(data.stats.current) })}
              </Badge>
            </Tooltip>
            <Tooltip label={t('journeys.counters.reachedHint')}>
              <Badge size="xs" variant="light" color="gray" data-testid="node-reached" data-value={data.stats.reached}>
                {t('journeys.counters.reached', { n: format.number(data.stats.reached) })}
              </Badge>
            </Tooltip>
            {data.stats.dropOff > 0 && (
              <Badge size="xs" variant="light" color="orange" data-testid="node-dropoff">
                {t('journeys.counters.dropOff', { percent: percent(data.stats.dropOff) })}
              </Badge>
            )}
          </Group>
        )}
        {data.problems.map((p) => (
          <Text key={p} size="xs" c="red.7" data-testid="node-problem">
            {p}
          </Text>
        ))}
        {data.ports.length > 1 && (
          <Group justify="space-around" gap={0} mt={2} dir="ltr">
            {data.ports.map((p) => (
              <Text key={p.key} size="10px" c="dimmed">
                {p.label}
              </Text>
            ))}
          </Group>
        )}
      </Stack>
      {data.ports.map((p, i) => (
        <Handle key={p.key} id={p.key} type="source" position={Position.Bottom} style={{ left: `${((i + 1) / (data.ports.length + 1)) * 100}%` }} data-testid={`handle-${data.stepId ?? 'trigger'}-${p.key}`} />
      ))}
    </Paper>
  );
}
