import { Button, Group, MultiSelect, NumberInput, SegmentedControl, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { memberLabel } from '../../settings/team/queries';
import { portsOf } from '../steps';
import type { Step } from '../types';
import { ConditionForm } from './ConditionForm';
import { DurationInput, EventInput, IntInput, TimeInput } from './fields';
import type { Lookups } from './lookups';

const ALL_CHANNELS = ['email', 'sms', 'whatsapp', 'telegram', 'bale', 'rubika', 'eitaa', 'webpush', 'webhook'] as const;

export interface StepFormProps {
  step: Step;
  steps: Step[];
  lookups: Lookups;
  editable: boolean;
  problems: string[];
  onChange: (step: Step) => void;
  onRename: (to: string) => void;
  onConnect: (port: string, target: string | undefined) => void;
  onDelete: () => void;
}

/** The side panel of the selected step: its id and name, the settings its kind has, where each port leads. */
export function StepForm({ step, steps, lookups, editable, problems, onChange, onRename, onConnect, onDelete }: StepFormProps) {
  const { t } = useTranslation();
  const [id, setId] = useState(step.id);
  useEffect(() => setId(step.id), [step.id]);
  const idValid = /^[A-Za-z0-9_-]{1,64}$/.test(id) && (id === step.id || !steps.some((s) => s.id === id));
  const d = !editable;
  const targets = steps.filter((s) => s.id !== step.id).map((s) => ({ value: s.id, label: s.name ? `${s.name} (${s.id})` : s.id }));

  return (
    <Stack gap="sm" data-testid="step-form" data-step-id={step.id}>
      <Group justify="space-between">
        <Title order={5}>{t(`journeys.kinds.${step.kind}`)}</Title>
        {editable && (
          <Button size="compact-sm" color="red" variant="subtle" leftSection={<IconTrash size={14} />} onClick={onDelete} data-testid="delete-step">
            {t('journeys.form.deleteStep')}
          </Button>
        )}
      </Group>
      {problems.map((p) => (
        <Text key={p} size="sm" c="red.7">
          {p}
        </Text>
      ))}
      <TextInput
        label={t('journeys.form.id')}
        description={t('journeys.form.idHint')}
        value={id}
        dir="ltr"
        onChange={(e) => setId(e.currentTarget.value)}
        onBlur={() => idValid && id !== step.id && onRename(id)}
        error={idValid ? undefined : t('journeys.form.idInvalid')}
        data-testid="step-id"
        disabled={d}
      />
      <TextInput label={t('journeys.form.name')} value={step.name ?? ''} onChange={(e) => onChange({ ...step, name: e.currentTarget.value || undefined })} data-testid="step-name" disabled={d} />
      <KindFields step={step} lookups={lookups} disabled={d} onChange={onChange} />
      {portsOf(step).map((port) => (
        <Select
          key={port}
          label={t('journeys.form.portTarget', { port: t(`journeys.ports.${port}`, { defaultValue: port }) })}
          data={targets}
          value={step.next?.[port] ?? null}
          onChange={(v) => onConnect(port, v ?? undefined)}
          clearable
          searchable
          placeholder={t('journeys.form.noTarget')}
          data-testid={`port-${port}`}
          disabled={d}
        />
      ))}
    </Stack>
  );
}

function KindFields({ step, lookups, disabled, onChange }: { step: Step; lookups: Lookups; disabled: boolean; onChange: (s: Step) => void }) {
  const { t } = useTranslation();
  const set = (patch: Record<string, unknown>) => onChange({ ...step, ...patch } as Step);
  switch (step.kind) {
    case 'send': {
      const auto = step.channels === 'auto';
      return (
        <>
          <Select
            label={t('journeys.form.template')}
            data={lookups.templates.map((x) => ({ value: x.id, label: x.name }))}
            value={step.templateId || null}
            onChange={(v) => set({ templateId: v ?? '' })}
            searchable
            data-testid="send-template"
            disabled={disabled}
          />
          <SegmentedControl
            data={[
              { value: 'auto', label: t('journeys.form.channelsAuto') },
              { value: 'pick', label: t('journeys.form.channelsPick') },
            ]}
            value={auto ? 'auto' : 'pick'}
            onChange={(v) => set({ channels: v === 'auto' ? 'auto' : lookups.channelKinds.slice(0, 1) })}
            disabled={disabled}
            data-testid="send-channel-mode"
          />
          {!auto && (
            <MultiSelect
              label={t('journeys.form.channels')}
              description={t('journeys.form.channelsHint')}
              data={ALL_CHANNELS.map((k) => ({ value: k, label: t(`journeys.channelKinds.${k}`) + (lookups.channelKinds.includes(k) ? '' : ` (${t('journeys.form.notEnabled')})`) }))}
              value={step.channels as string[]}
              onChange={(v) => set({ channels: v.length ? v : 'auto' })}
              data-testid="send-channels"
              disabled={disabled}
            />
          )}
          <Select
            label={t('journeys.form.category')}
            data={[
              { value: 'template', label: t('journeys.form.categoryTemplate') },
              { value: 'marketing', label: t('journeys.form.marketing') },
              { value: 'transactional', label: t('journeys.form.transactional') },
            ]}
            value={step.category ?? 'template'}
            onChange={(v) => set({ category: v === 'template' || !v ? undefined : v })}
            allowDeselect={false}
            disabled={disabled}
          />
        </>
      );
    }
    case 'wait':
      return <DurationInput label={t('journeys.form.duration')} value={step.duration} onChange={(duration) => set({ duration })} testId="wait-duration" disabled={disabled} />;
    case 'wait_until_time':
      return <TimeInput label={t('journeys.form.time')} value={step.time} onChange={(time) => set({ time })} testId="wait-time" disabled={disabled} />;
    case 'wait_until_date':
      return (
        <>
          <Select
            label={t('journeys.form.dateAttribute')}
            data={lookups.attributes.filter((a) => a.type === 'date').map((a) => ({ value: a.key, label: a.label }))}
            value={step.attribute || null}
            onChange={(v) => set({ attribute: v ?? '' })}
            disabled={disabled}
          />
          <IntInput label={t('journeys.form.offsetDays')} description={t('journeys.form.offsetHint')} value={step.offsetDays} onChange={(v) => set({ offsetDays: v ?? 0 })} min={-365} max={365} testId="offset-days" disabled={disabled} />
          <TimeInput label={t('journeys.form.time')} value={step.time} onChange={(time) => set({ time })} testId="date-time" disabled={disabled} />
        </>
      );
    case 'wait_for_event':
      return (
        <>
          <EventInput label={t('journeys.form.event')} value={step.event} onChange={(event) => set({ event })} names={lookups.eventNames} testId="wait-event" disabled={disabled} />
          <DurationInput label={t('journeys.form.timeout')} value={step.timeout} onChange={(timeout) => set({ timeout })} testId="wait-timeout" disabled={disabled} />
        </>
      );
    case 'condition':
      return <ConditionForm step={step} lookups={lookups} disabled={disabled} onChange={onChange} />;
    case 'split':
      return (
        <>
          {step.branches.map((b, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a branch's key is being typed; its position is its identity
            <Group key={`${i}`} gap="xs" align="end" wrap="nowrap">
              <TextInput
                label={t('journeys.form.branchKey')}
                value={b.key}
                dir="ltr"
                onChange={(e) => set({ branches: step.branches.map((x, j) => (j === i ? { ...x, key: e.currentTarget.value.toLowerCase() } : x)) })}
                disabled={disabled}
                style={{ flex: 1 }}
              />
              <NumberInput
                label="%"
                min={0}
                max={100}
                value={b.percent}
                onChange={(v) => set({ branches: step.branches.map((x, j) => (j === i ? { ...x, percent: typeof v === 'number' ? v : 0 } : x)) })}
                disabled={disabled}
                w={90}
              />
              <Button variant="subtle" color="red" size="compact-sm" disabled={disabled || step.branches.length <= 1} onClick={() => set({ branches: step.branches.filter((_, j) => j !== i) })}>
                <IconTrash size={14} />
              </Button>
            </Group>
          ))}
          <Button variant="light" size="compact-sm" disabled={disabled || step.branches.length >= 10} onClick={() => set({ branches: [...step.branches, { key: String.fromCharCode(97 + step.branches.length), percent: 0 }] })}>
            {t('journeys.form.addBranch')}
          </Button>
          <IntInput label={t('journeys.form.splitHoldout')} value={step.holdoutPercent} onChange={(v) => set({ holdoutPercent: v ?? 0 })} min={0} max={100} testId="split-holdout" disabled={disabled} />
        </>
      );
    case 'task':
      return (
        <>
          <TextInput label={t('journeys.form.taskTitle')} value={step.title} onChange={(e) => set({ title: e.currentTarget.value })} data-testid="task-title" disabled={disabled} />
          <Textarea label={t('journeys.form.description')} value={step.description ?? ''} onChange={(e) => set({ description: e.currentTarget.value || undefined })} disabled={disabled} />
          <Select
            label={t('journeys.form.assignee')}
            data={lookups.members.map((m) => ({ value: m.userId, label: memberLabel(m) }))}
            value={step.assigneeId ?? null}
            onChange={(v) => set({ assigneeId: v ?? undefined })}
            clearable
            disabled={disabled}
          />
          <IntInput label={t('journeys.form.dueInDays')} value={step.dueInDays} onChange={(v) => set({ dueInDays: v })} min={0} max={365} testId="task-due" disabled={disabled} />
        </>
      );
    case 'tag':
      return (
        <>
          <TagsInput label={t('journeys.form.tagAdd')} value={step.add} onChange={(add) => set({ add })} data-testid="tag-add" disabled={disabled} />
          <TagsInput label={t('journeys.form.tagRemove')} value={step.remove} onChange={(remove) => set({ remove })} data-testid="tag-remove" disabled={disabled} />
        </>
      );
    case 'update_attributes':
      return (
        <Stack gap="xs">
          {lookups.attributes.map((a) => {
            const on = a.key in step.attributes;
            const value = step.attributes[a.key];
            const without = Object.fromEntries(Object.entries(step.attributes).filter(([k]) => k !== a.key));
            return (
              <Group key={a.key} gap="xs" wrap="nowrap" align="end">
                <Switch label={a.label} checked={on} onChange={(e) => set({ attributes: e.currentTarget.checked ? { ...step.attributes, [a.key]: null } : without })} disabled={disabled} w={140} />
                {on && (
                  <TextInput
                    aria-label={a.label}
                    placeholder={t('journeys.form.removeValue')}
                    value={value === null || value === undefined ? '' : String(value)}
                    onChange={(e) => {
                      const raw = e.currentTarget.value;
                      const typed = raw === '' ? null : a.type === 'number' && !Number.isNaN(Number(raw)) ? Number(raw) : a.type === 'boolean' ? raw === 'true' : raw;
                      set({ attributes: { ...step.attributes, [a.key]: typed } });
                    }}
                    disabled={disabled}
                    style={{ flex: 1 }}
                  />
                )}
              </Group>
            );
          })}
          {lookups.attributes.length === 0 && <Text size="sm">{t('journeys.form.noAttributes')}</Text>}
        </Stack>
      );
    case 'segment':
      return (
        <>
          <Select
            label={t('journeys.form.manualSegment')}
            data={lookups.segments.filter((s) => s.kind === 'manual').map((s) => ({ value: s.id, label: s.name }))}
            value={step.segmentId || null}
            onChange={(v) => set({ segmentId: v ?? '' })}
            disabled={disabled}
          />
          <SegmentedControl
            data={[
              { value: 'add', label: t('journeys.form.segmentAdd') },
              { value: 'remove', label: t('journeys.form.segmentRemove') },
            ]}
            value={step.action}
            onChange={(action) => set({ action })}
            disabled={disabled}
          />
        </>
      );
    case 'webhook':
      return (
        <>
          <TextInput label="URL" value={step.url} dir="ltr" onChange={(e) => set({ url: e.currentTarget.value })} data-testid="webhook-url" disabled={disabled} />
          <SegmentedControl data={['POST', 'PUT']} value={step.method} onChange={(method) => set({ method })} disabled={disabled} />
        </>
      );
    case 'exit':
      return <Text size="sm">{t('journeys.form.exitHint')}</Text>;
  }
}
