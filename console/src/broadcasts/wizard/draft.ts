import type { BroadcastInput, ChannelKind } from '../types';

/** What the wizard collects, step by step, before anything is stored. */
export interface WizardDraft {
  name: string;
  segmentId: string | null;
  /** One template per variant; one entry = no A/B test. */
  variants: { templateId: string | null; weight: number }[];
  holdoutPercent: number;
  channelsMode: 'auto' | 'chosen';
  channels: ChannelKind[];
  when: 'now' | 'later';
  /** `YYYY-MM-DD` (Gregorian) and `HH:MM`, in the browser's time zone. */
  date: string | null;
  time: string;
}

export const emptyDraft: WizardDraft = {
  name: '',
  segmentId: null,
  variants: [{ templateId: null, weight: 1 }],
  holdoutPercent: 0,
  channelsMode: 'auto',
  channels: [],
  when: 'now',
  date: null,
  time: '10:00',
};

export const STEPS = ['audience', 'content', 'channels', 'schedule', 'review'] as const;
export type Step = (typeof STEPS)[number];

/** The instant a "later" draft goes, or null when it is incomplete. */
export function sendAtOf(d: WizardDraft): Date | null {
  if (d.when === 'now' || !d.date || !/^\d{2}:\d{2}$/.test(d.time)) return null;
  const at = new Date(`${d.date}T${d.time}:00`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Whether a step is complete enough to move past (the server still validates everything). */
export function stepReady(step: Step, d: WizardDraft, now = new Date()): boolean {
  switch (step) {
    case 'audience':
      return d.name.trim().length > 0 && d.segmentId !== null;
    case 'content':
      return d.variants.every((v) => v.templateId !== null && v.weight >= 1) && d.holdoutPercent >= 0 && d.holdoutPercent <= 50;
    case 'channels':
      return d.channelsMode === 'auto' || d.channels.length > 0;
    case 'schedule': {
      if (d.when === 'now') return true;
      const at = sendAtOf(d);
      return at !== null && at.getTime() > now.getTime();
    }
    case 'review':
      return true;
  }
}

export function toInput(d: WizardDraft): BroadcastInput {
  const variants = d.variants.map((v) => ({ templateId: v.templateId as string, weight: v.weight }));
  return {
    name: d.name.trim(),
    segmentId: d.segmentId as string,
    ...(variants.length === 1 ? { templateId: variants[0]?.templateId as string } : { variants }),
    holdoutPercent: d.holdoutPercent,
    channels: d.channelsMode === 'auto' ? 'auto' : d.channels,
  };
}
