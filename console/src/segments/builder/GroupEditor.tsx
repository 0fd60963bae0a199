import { ActionIcon, Alert, Badge, Button, Chip, Group, Menu, Paper, SegmentedControl, Stack, Text, Tooltip } from '@mantine/core';
import { IconFolderPlus, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { withoutFieldPrefix } from '../../shared/errors';
import { emptyGroup, newCondition } from '../rules';
import { CONDITION_TYPES, type Condition, MAX_DEPTH, type Rule, type RuleGroup } from '../types';
import { ConditionEditor } from './ConditionEditor';
import { useBuilder } from './context';

/**
 * A group of conditions joined by AND or OR, optionally negated, holding conditions and nested
 * groups. `prefix` is the group's path in the API body (`rules`, `rules.conditions.2`), so a
 * server error naming `rules.conditions.2.conditions.0.days` lands on that input.
 */
export function GroupEditor({ group, onChange, onRemove, prefix, depth = 1 }: {
  group: RuleGroup;
  onChange: (next: RuleGroup) => void;
  onRemove?: () => void;
  prefix: string;
  depth?: number;
}) {
  const { t } = useTranslation();
  const builder = useBuilder();
  const setConditions = (conditions: Rule[]) => onChange({ ...group, conditions });
  const replace = (i: number, next: Rule) => setConditions(group.conditions.map((c, j) => (j === i ? next : c)));
  const remove = (i: number) => setConditions(group.conditions.filter((_, j) => j !== i));
  const join = group.op === 'and' ? t('segments.group.andJoin') : t('segments.group.orJoin');
  const groupError = builder.error && (builder.error.field === prefix || builder.error.field === `${prefix}.conditions`) ? withoutFieldPrefix(builder.error) : null;

  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      bg={depth % 2 === 0 ? 'var(--mantine-color-gray-0)' : undefined}
      style={group.not ? { borderColor: 'var(--mantine-color-red-4)' } : undefined}
      data-testid="rule-group"
      data-path={prefix}
      data-op={group.op}
      data-not={Boolean(group.not)}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Tooltip label={t('segments.group.notHint')}>
              <Chip size="xs" color="red" checked={Boolean(group.not)} onChange={(not) => onChange({ ...group, not: not || undefined })} data-testid="group-not">
                {t('segments.group.not')}
              </Chip>
            </Tooltip>
            <Text size="sm">{t('segments.group.match')}</Text>
            <SegmentedControl
              size="xs"
              value={group.op}
              onChange={(op) => onChange({ ...group, op: op as RuleGroup['op'] })}
              data={[
                { value: 'and', label: t('segments.group.and') },
                { value: 'or', label: t('segments.group.or') },
              ]}
              data-testid="group-op"
            />
            <Text size="sm">{t('segments.group.of')}</Text>
          </Group>
          {onRemove && (
            <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label={t('segments.group.removeGroup')} data-testid="remove-group">
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Group>

        {group.conditions.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="group-empty">
            {group.op === 'and' ? t('segments.group.emptyAnd') : t('segments.group.emptyOr')}
          </Text>
        )}

        {group.conditions.map((rule, i) => {
          const path = `${prefix}.conditions.${i}`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their position
            <Stack key={i} gap={4}>
              {i > 0 && (
                <Badge variant="outline" color={group.op === 'and' ? 'blue' : 'grape'} size="sm" data-testid="group-join">
                  {join}
                </Badge>
              )}
              {rule.type === 'group' ? (
                <GroupEditor group={rule} onChange={(next) => replace(i, next)} onRemove={() => remove(i)} prefix={path} depth={depth + 1} />
              ) : (
                <ConditionEditor condition={rule} onChange={(next: Condition) => replace(i, next)} onRemove={() => remove(i)} prefix={path} />
              )}
            </Stack>
          );
        })}

        {groupError && (
          <Alert color="red" p="xs" data-testid="group-error">
            {groupError}
          </Alert>
        )}

        <Group gap="xs">
          <Menu position="bottom-start" withinPortal>
            <Menu.Target>
              <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} data-testid="add-condition">
                {t('segments.group.addCondition')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {CONDITION_TYPES.map((type) => (
                <Menu.Item key={type} onClick={() => setConditions([...group.conditions, newCondition(type, builder)])} data-testid={`add-condition-${type}`}>
                  {t(`segments.types.${type}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Tooltip label={t('segments.editor.tooDeep', { max: MAX_DEPTH })} disabled={depth < MAX_DEPTH}>
            <Button
              size="xs"
              variant="subtle"
              leftSection={<IconFolderPlus size={14} />}
              disabled={depth >= MAX_DEPTH}
              onClick={() => setConditions([...group.conditions, emptyGroup(group.op === 'and' ? 'or' : 'and')])}
              data-testid="add-group"
            >
              {t('segments.group.addGroup')}
            </Button>
          </Tooltip>
        </Group>
      </Stack>
    </Paper>
  );
}
