import {
  type Icon,
  IconArrowsSplit,
  IconCalendarEvent,
  IconCheckbox,
  IconClock,
  IconClockHour9,
  IconDoorExit,
  IconEdit,
  IconGitBranch,
  IconHourglass,
  IconSend,
  IconTag,
  IconUsersGroup,
  IconWebhook,
} from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { emptyGroup } from '../segments/rules';
import type { Definition, Duration, Step, StepKind, Trigger } from './types';

/** Every step kind, in the palette's order. */
export const STEP_KINDS: readonly StepKind[] = [
  'send',
  'wait',
  'wait_until_time',
  'wait_until_date',
  'wait_for_event',
  'condition',
  'split',
  'task',
  'tag',
  'update_attributes',
  'segment',
  'webhook',
  'exit',
];

export const STEP_ICONS: Record<StepKind, Icon> = {
  send: IconSend,
  wait: IconHourglass,
  wait_until_time: IconClockHour9,
  wait_until_date: IconCalendarEvent,
  wait_for_event: IconClock,
  condition: IconGitBranch,
  split: IconArrowsSplit,
  task: IconCheckbox,
  tag: IconTag,
  update_attributes: IconEdit,
  segment: IconUsersGroup,
  webhook: IconWebhook,
  exit: IconDoorExit,
};

/** The ports of a step as the server's `portsOf` (model/schema.ts): exit none, condition yes/no, … */
export function portsOf(step: Step): string[] {
  switch (step.kind) {
    case 'exit':
      return [];
    case 'condition':
      return ['yes', 'no'];
    case 'wait_for_event':
      return ['event', 'timeout'];
    case 'wait_until_date':
      return ['next', 'missed'];
    case 'split':
      return step.branches.map((b) => b.key);
    default:
      return ['next'];
  }
}

/** A fresh step of `kind` with an id not taken yet (`send`, `send-2`, …). */
export function newStep(kind: StepKind, taken: ReadonlySet<string>): Step {
  const stem = kind.replace(/_/g, '-');
  let id = stem;
  for (let n = 2; taken.has(id); n++) id = `${stem}-${n}`;
  const day: Duration = { amount: 1, unit: 'days' };
  switch (kind) {
    case 'send':
      return { id, kind, templateId: '', channels: 'auto', next: {} };
    case 'wait':
      return { id, kind, duration: day, next: {} };
    case 'wait_until_time':
      return { id, kind, time: '10:00', next: {} };
    case 'wait_until_date':
      return { id, kind, attribute: '', offsetDays: 0, time: '09:00', next: {} };
    case 'wait_for_event':
      return { id, kind, event: 'Order Completed', timeout: day, next: {} };
    case 'condition':
      return { id, kind, check: { type: 'rules', rules: emptyGroup() }, next: {} };
    case 'split':
      return { id, kind, branches: [{ key: 'a', percent: 50 }, { key: 'b', percent: 50 }], holdoutPercent: 0, next: {} };
    case 'task':
      return { id, kind, title: '', next: {} };
    case 'tag':
      return { id, kind, add: [], remove: [], next: {} };
    case 'update_attributes':
      return { id, kind, attributes: {}, next: {} };
    case 'segment':
      return { id, kind, segmentId: '', action: 'add', next: {} };
    case 'webhook':
      return { id, kind, url: 'https://', method: 'POST', next: {} };
    case 'exit':
      return { id, kind };
  }
}

export const emptyDefinition = (): Definition => ({
  trigger: { kind: 'api' },
  start: 'exit',
  steps: [{ id: 'exit', kind: 'exit' }],
  goal: null,
  reentry: { mode: 'once' },
  holdoutPercent: 0,
  layout: { exit: { x: 0, y: 120 } },
});

/** "3 days", "1 day" (the console has no plural rules; one is the only irregular count here). */
export const durationText = (t: TFunction, d: Duration, num: (n: number) => string = String) =>
  d.amount === 1 ? t(`journeys.unitOne.${d.unit}`) : t(`journeys.units.${d.unit}`, { count: num(d.amount) });

/** The node's one line: "wait 3 days", "send SMS: Welcome". */
export interface SummaryNames {
  template: (id: string) => string | undefined;
  segment: (id: string) => string | undefined;
  /** Digits of the console's language. */
  number: (n: number) => string;
}

export function summaryOf(t: TFunction, step: Step, names: SummaryNames): string {
  switch (step.kind) {
    case 'send': {
      const channels = step.channels === 'auto' ? t('journeys.summary.auto') : step.channels.map((c) => t(`journeys.channelKinds.${c}`, { defaultValue: c })).join(', ');
      return t('journeys.summary.send', { channels, template: names.template(step.templateId) ?? t('journeys.summary.noTemplate') });
    }
    case 'wait':
      return t('journeys.summary.wait', { duration: durationText(t, step.duration, names.number) });
    case 'wait_until_time':
      return t('journeys.summary.waitUntilTime', { time: step.time });
    case 'wait_until_date':
      return t('journeys.summary.waitUntilDate', { attribute: step.attribute || '…', days: names.number(step.offsetDays) });
    case 'wait_for_event':
      return t('journeys.summary.waitForEvent', { event: step.event, duration: durationText(t, step.timeout, names.number) });
    case 'condition':
      if (step.check.type === 'segment') return t(step.check.member ? 'journeys.summary.inSegment' : 'journeys.summary.notInSegment', { segment: names.segment(step.check.segmentId) ?? '…' });
      if (step.check.type === 'context') return t('journeys.summary.context', { count: names.number(step.check.properties.length) });
      return t('journeys.summary.rules', { count: names.number(step.check.rules.conditions.length) });
    case 'split':
      return step.branches.map((b) => `${b.key} ${names.number(b.percent)}%`).join(' · ') + (step.holdoutPercent ? ` · ${t('journeys.summary.holdout', { percent: names.number(step.holdoutPercent) })}` : '');
    case 'task':
      return t('journeys.summary.task', { title: step.title || '…' });
    case 'tag':
      return [...step.add.map((x) => `+${x}`), ...step.remove.map((x) => `−${x}`)].join(' ') || '…';
    case 'update_attributes':
      return Object.keys(step.attributes).join(', ') || '…';
    case 'segment':
      return t(step.action === 'add' ? 'journeys.summary.segmentAdd' : 'journeys.summary.segmentRemove', { segment: names.segment(step.segmentId) ?? '…' });
    case 'webhook':
      return `${step.method} ${step.url}`;
    case 'exit':
      return t('journeys.summary.exit');
  }
}

export function triggerSummary(t: TFunction, trigger: Trigger): string {
  switch (trigger.kind) {
    case 'event':
      return t('journeys.triggerSummary.event', { event: trigger.event });
    case 'segment':
      return t(`journeys.triggerSummary.segment_${trigger.action}`);
    default:
      return t(`journeys.triggers.${trigger.kind}`);
  }
}

/**
 * Which step a problem's field points at: `steps.3.next.yes` → the fourth step's id; `start`
 * and `trigger.*` belong to no node (shown in the list only).
 */
export function stepOfProblem(def: Definition, field: string): string | undefined {
  const m = /^steps\.(\d+)(?:\.|$)/.exec(field);
  return m ? def.steps[Number(m[1])]?.id : undefined;
}
