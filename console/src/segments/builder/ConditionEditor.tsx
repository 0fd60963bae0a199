import { ActionIcon, Alert, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { withoutFieldPrefix } from '../../shared/errors';
import { isComplete, relativeField } from '../rules';
import type { Condition } from '../types';
import { ComparisonEditor } from './ComparisonEditor';
import { useBuilder } from './context';
import { EventEditor } from './EventEditor';
import { AnniversaryEditor, ConsentEditor, TagEditor } from './SimpleEditors';

/** Fields an editor shows errors under; an error naming anything else is shown on the card. */
const FIELDS_WITH_INPUTS = /^(field|key|metric|operator|value|values|from|to|days|windowDays|name|channel|status|count\.value|properties\.\d+\.(path|value))$/;

function Body({ condition, onChange, prefix }: { condition: Condition; onChange: (next: Condition) => void; prefix: string }) {
  switch (condition.type) {
    case 'profile':
    case 'attribute':
    case 'order':
    case 'analytics':
      return <ComparisonEditor condition={condition} onChange={onChange} prefix={prefix} />;
    case 'consent':
      return <ConsentEditor condition={condition} onChange={onChange} prefix={prefix} />;
    case 'tag':
      return <TagEditor condition={condition} onChange={onChange} prefix={prefix} />;
    case 'event':
      return <EventEditor condition={condition} onChange={onChange} prefix={prefix} />;
    case 'anniversary':
      return <AnniversaryEditor condition={condition} onChange={onChange} prefix={prefix} />;
  }
}

/** One condition: its kind, its editor, a remove button, and what is wrong with it. */
export function ConditionEditor({ condition, onChange, onRemove, prefix }: { condition: Condition; onChange: (next: Condition) => void; onRemove: () => void; prefix: string }) {
  const { t } = useTranslation();
  const { error } = useBuilder();
  const complete = isComplete(condition);
  const rest = relativeField(error?.field, prefix);
  const cardError = error && rest !== undefined && !FIELDS_WITH_INPUTS.test(rest) ? withoutFieldPrefix(error) : null;

  return (
    <Paper
      withBorder
      p="xs"
      radius="sm"
      data-testid="rule-condition"
      data-type={condition.type}
      data-path={prefix}
      data-complete={complete}
      data-invalid={rest !== undefined}
      style={{ borderInlineStart: `3px solid var(--mantine-color-${rest !== undefined ? 'red' : complete ? 'blue' : 'orange'}-5)` }}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs" align="flex-start" style={{ flex: 1 }}>
            <Badge variant="light" mt={6} miw={110} data-testid="condition-type">
              {t(`segments.types.${condition.type}`)}
            </Badge>
            <div style={{ flex: 1 }}>
              <Body condition={condition} onChange={onChange} prefix={prefix} />
            </div>
          </Group>
          <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label={t('segments.condition.remove')} data-testid="remove-condition">
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
        {!complete && (
          <Text size="xs" c="orange.8">
            {t('segments.condition.incomplete')}
          </Text>
        )}
        {cardError && (
          <Alert color="red" p="xs" data-testid="condition-error">
            {cardError}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
