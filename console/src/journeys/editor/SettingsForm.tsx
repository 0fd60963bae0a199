import { Divider, NumberInput, SegmentedControl, Select, Stack, Switch, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Definition, Trigger, TriggerKind } from '../types';
import { EventInput, IntInput, TimeInput } from './fields';
import type { Lookups } from './lookups';

export const TRIGGER_KINDS: readonly TriggerKind[] = ['event', 'segment', 'api', 'date', 'inactivity', 'cart_abandonment', 'browse_abandonment', 'product', 'vip', 'custom'];

function newTrigger(kind: TriggerKind): Trigger {
  switch (kind) {
    case 'event':
      return { kind, event: 'Order Completed' };
    case 'segment':
      return { kind, segmentId: '', action: 'entered' };
    case 'api':
      return { kind };
    case 'custom':
      return { kind, name: '', settings: {} };
    case 'date':
      return { kind, source: 'birthday', recurrence: 'yearly', calendar: 'gregorian', offsetDays: 0, time: '09:00' };
    case 'inactivity':
      return { kind, days: 90, activity: 'order' };
    case 'cart_abandonment':
      return { kind, hours: 4 };
    case 'browse_abandonment':
      return { kind, views: 2, days: 7 };
    case 'product':
      return { kind, change: 'back_in_stock', audience: 'either' };
    case 'vip':
      return { kind, orderAbove: 1000 };
  }
}

/**
 * The journey's own settings, shown when the trigger node (or nothing) is selected: the trigger,
 * the goal with its window, re-entry, and the holdout share. An activated journey's trigger kind
 * is fixed (the server refuses a change).
 */
export function SettingsForm({ def, onChange, lookups, editable, activated }: { def: Definition; onChange: (d: Definition) => void; lookups: Lookups; editable: boolean; activated: boolean }) {
  const { t } = useTranslation();
  const d = !editable;
  const tr = def.trigger;
  const setTrigger = (patch: Record<string, unknown>) => onChange({ ...def, trigger: { ...tr, ...patch } as Trigger });
  return (
    <Stack gap="sm" data-testid="settings-form">
      <Title order={5}>{t('journeys.trigger')}</Title>
      <Select
        label={t('journeys.form.triggerKind')}
        data={TRIGGER_KINDS.map((k) => ({ value: k, label: t(`journeys.triggers.${k}`) }))}
        value={tr.kind}
        onChange={(k) => k && onChange({ ...def, trigger: newTrigger(k as TriggerKind) })}
        allowDeselect={false}
        disabled={d || activated}
        data-testid="trigger-kind"
      />
      {tr.kind === 'event' && <EventInput label={t('journeys.form.event')} value={tr.event} onChange={(event) => setTrigger({ event })} names={lookups.eventNames} testId="trigger-event" disabled={d} />}
      {tr.kind === 'segment' && (
        <>
          <Select label={t('journeys.form.segment')} data={lookups.segments.map((s) => ({ value: s.id, label: s.name }))} value={tr.segmentId || null} onChange={(v) => setTrigger({ segmentId: v ?? '' })} searchable disabled={d} data-testid="trigger-segment" />
          <SegmentedControl
            data={[
              { value: 'entered', label: t('journeys.form.segmentEntered') },
              { value: 'exited', label: t('journeys.form.segmentExited') },
            ]}
            value={tr.action}
            onChange={(action) => setTrigger({ action })}
            disabled={d}
          />
        </>
      )}
      {tr.kind === 'custom' && <TextInput label={t('journeys.form.customName')} value={tr.name} dir="ltr" onChange={(e) => setTrigger({ name: e.currentTarget.value })} disabled={d} />}
      {tr.kind === 'date' && (
        <>
          <Select
            label={t('journeys.form.dateSource')}
            data={(['birthday', 'signup', 'attribute'] as const).map((v) => ({ value: v, label: t(`journeys.form.dateSources.${v}`) }))}
            value={tr.source}
            onChange={(v) => v && setTrigger({ source: v })}
            allowDeselect={false}
            disabled={d}
          />
          {tr.source === 'attribute' && (
            <Select
              label={t('journeys.form.dateAttribute')}
              data={lookups.attributes.filter((a) => a.type === 'date').map((a) => ({ value: a.key, label: a.label }))}
              value={tr.attribute ?? null}
              onChange={(v) => setTrigger({ attribute: v ?? undefined })}
              disabled={d}
            />
          )}
          <SegmentedControl data={(['gregorian', 'jalali'] as const).map((v) => ({ value: v, label: t(`journeys.form.calendars.${v}`) }))} value={tr.calendar ?? 'gregorian'} onChange={(calendar) => setTrigger({ calendar })} disabled={d} />
          <IntInput label={t('journeys.form.offsetDays')} description={t('journeys.form.offsetHint')} value={tr.offsetDays ?? 0} onChange={(v) => setTrigger({ offsetDays: v ?? 0 })} min={-90} max={90} testId="trigger-offset" disabled={d} />
          <TimeInput label={t('journeys.form.time')} value={tr.time ?? '09:00'} onChange={(time) => setTrigger({ time })} testId="trigger-time" disabled={d} />
        </>
      )}
      {tr.kind === 'inactivity' && <IntInput label={t('journeys.form.inactiveDays')} value={tr.days} onChange={(v) => setTrigger({ days: v ?? 90 })} min={1} max={3650} testId="trigger-days" disabled={d} />}
      {tr.kind === 'cart_abandonment' && <IntInput label={t('journeys.form.cartHours')} value={tr.hours ?? 4} onChange={(v) => setTrigger({ hours: v ?? 4 })} min={1} max={720} testId="trigger-hours" disabled={d} />}
      {tr.kind === 'browse_abandonment' && <IntInput label={t('journeys.form.views')} value={tr.views ?? 2} onChange={(v) => setTrigger({ views: v ?? 2 })} min={1} max={50} testId="trigger-views" disabled={d} />}
      {tr.kind === 'product' && (
        <SegmentedControl
          data={(['back_in_stock', 'price_drop'] as const).map((v) => ({ value: v, label: t(`journeys.form.productChanges.${v}`) }))}
          value={tr.change}
          onChange={(change) => setTrigger({ change })}
          disabled={d}
        />
      )}
      {tr.kind === 'vip' && <NumberInput label={t('journeys.form.orderAbove')} min={1} value={tr.orderAbove} onChange={(v) => setTrigger({ orderAbove: typeof v === 'number' && v > 0 ? v : 1 })} disabled={d} />}

      <Divider my={4} />
      <Title order={5}>{t('journeys.goal')}</Title>
      <Switch
        label={t('journeys.form.hasGoal')}
        checked={def.goal !== null}
        onChange={(e) => onChange({ ...def, goal: e.currentTarget.checked ? { event: 'Order Completed', withinDays: 14, exitOnGoal: true } : null })}
        disabled={d}
        data-testid="goal-enabled"
      />
      {def.goal && (
        <>
          <EventInput label={t('journeys.form.goalEvent')} value={def.goal.event} onChange={(event) => def.goal && onChange({ ...def, goal: { ...def.goal, event } })} names={lookups.eventNames} testId="goal-event" disabled={d} />
          <IntInput label={t('journeys.form.withinDays')} value={def.goal.withinDays} onChange={(v) => def.goal && onChange({ ...def, goal: { ...def.goal, withinDays: v ?? 14 } })} min={1} max={365} testId="goal-days" disabled={d} />
          <Switch label={t('journeys.form.exitOnGoal')} checked={def.goal.exitOnGoal} onChange={(e) => def.goal && onChange({ ...def, goal: { ...def.goal, exitOnGoal: e.currentTarget.checked } })} disabled={d} />
        </>
      )}

      <Divider my={4} />
      <Title order={5}>{t('journeys.form.reentry')}</Title>
      <SegmentedControl
        data={[
          { value: 'once', label: t('journeys.form.reentryOnce') },
          { value: 'every', label: t('journeys.form.reentryEvery') },
        ]}
        value={def.reentry.mode}
        onChange={(mode) => onChange({ ...def, reentry: mode === 'once' ? { mode: 'once' } : { mode: 'every', days: 30 } })}
        disabled={d}
      />
      {def.reentry.mode === 'every' && (
        <IntInput label={t('journeys.form.reentryDays')} value={def.reentry.days} onChange={(v) => onChange({ ...def, reentry: { mode: 'every', days: v ?? 30 } })} min={1} max={3650} testId="reentry-days" disabled={d} />
      )}
      <IntInput
        label={t('journeys.form.holdout')}
        description={t('journeys.form.holdoutHint')}
        value={def.holdoutPercent}
        onChange={(v) => onChange({ ...def, holdoutPercent: v ?? 0 })}
        min={0}
        max={50}
        testId="holdout"
        disabled={d}
      />
    </Stack>
  );
}
