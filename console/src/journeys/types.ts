import type { RuleGroup } from '../segments/types';

/** Shapes of /api/v1/journeys (src/journeys/model/schema.ts and schemas.ts on the server). */

export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';
export type DurationUnit = 'minutes' | 'hours' | 'days' | 'weeks';
export interface Duration {
  amount: number;
  unit: DurationUnit;
}
export interface PropertyFilter {
  path: string;
  operator: string;
  value?: unknown;
}

export type Trigger =
  | { kind: 'event'; event: string; properties?: PropertyFilter[] }
  | { kind: 'segment'; segmentId: string; action: 'entered' | 'exited' }
  | { kind: 'api' }
  | { kind: 'custom'; name: string; settings: Record<string, unknown> }
  | { kind: 'date'; source: 'birthday' | 'signup' | 'attribute'; attribute?: string; recurrence?: 'yearly' | 'once'; calendar?: 'gregorian' | 'jalali'; offsetDays?: number; time?: string }
  | { kind: 'inactivity'; days: number; activity?: 'order' | 'event' }
  | { kind: 'cart_abandonment'; events?: string[]; orderEvent?: string; hours?: number }
  | { kind: 'browse_abandonment'; event?: string; views?: number; days?: number; quietHours?: number }
  | { kind: 'product'; change: 'back_in_stock' | 'price_drop'; minDropPercent?: number; audience?: 'viewed' | 'wishlisted' | 'either'; lookbackDays?: number }
  | { kind: 'vip'; orderAbove: number };
export type TriggerKind = Trigger['kind'];

type Ports = Record<string, string | undefined>;
interface Base {
  id: string;
  name?: string | undefined;
  next?: Ports;
}
export type ConditionCheck =
  | { type: 'rules'; rules: RuleGroup }
  | { type: 'segment'; segmentId: string; member: boolean }
  | { type: 'context'; properties: PropertyFilter[] };

export type Step = Base &
  (
    | { kind: 'wait'; duration: Duration }
    | { kind: 'wait_until_time'; time: string }
    | { kind: 'wait_until_date'; attribute: string; offsetDays: number; time: string }
    | { kind: 'wait_for_event'; event: string; properties?: PropertyFilter[]; timeout: Duration }
    | { kind: 'condition'; check: ConditionCheck }
    | { kind: 'split'; branches: { key: string; percent: number }[]; holdoutPercent: number }
    | { kind: 'send'; templateId: string; channels: 'auto' | string[]; category?: 'marketing' | 'transactional'; priority?: number; variables?: Record<string, unknown> }
    | { kind: 'task'; title: string; description?: string; assigneeId?: string; dueInDays?: number; priority?: 'low' | 'normal' | 'high' | 'urgent' }
    | { kind: 'update_attributes'; attributes: Record<string, unknown> }
    | { kind: 'tag'; add: string[]; remove: string[] }
    | { kind: 'segment'; segmentId: string; action: 'add' | 'remove' }
    | { kind: 'webhook'; url: string; method: 'POST' | 'PUT'; headers?: Record<string, string>; data?: Record<string, unknown> }
    | { kind: 'exit' }
  );
export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

export interface Goal {
  event: string;
  properties?: PropertyFilter[];
  withinDays: number;
  exitOnGoal: boolean;
}
export type Reentry = { mode: 'once' } | { mode: 'every'; days: number };

export interface Definition {
  trigger: Trigger;
  start: string;
  steps: Step[];
  goal: Goal | null;
  reentry: Reentry;
  holdoutPercent: number;
  layout: Record<string, { x: number; y: number }>;
}

export interface Journey extends Definition {
  id: string;
  name: string;
  description: string | null;
  status: JourneyStatus;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
}

export interface JourneyDetail extends Journey {
  runs: { active: number; paused: number; completed: number; exited: number; holdout: number; goalReached: number };
}

export interface Problem {
  field: string;
  message: string;
}

export interface StepStats {
  stepId: string;
  kind: string;
  name: string | null;
  reached: number;
  current: number;
  ports: Record<string, number>;
  exitedHere: number;
  dropOff: number;
}

interface Rate {
  entered: number;
  goal: number;
  rate: number;
}

export interface JourneyAnalytics {
  totals: {
    entered: number;
    active: number;
    completed: number;
    exited: number;
    heldOut: number;
    goalReached: number;
    conversionRate: number;
    revenue: { amountMinor: number; amount: number; currency: string };
  };
  steps: StepStats[];
  holdout: null | { treated: Rate; control: Rate; lift: { absolute: number; relative: number | null; ci95: { low: number; high: number }; significant: boolean }; method: string };
  asOf: string;
}

export type BlockedBy = 'consent' | 'topic_opt_out' | 'no_address' | 'suppressed' | 'frequency_cap' | 'no_channel' | 'quiet_hours' | 'template' | 'customer_gone';

export interface Simulation {
  customerId: string;
  startedAt: string;
  path: { stepId: string; kind: StepKind; name: string | null; at: string; port: string | null; detail: Record<string, unknown> }[];
  messages: {
    stepId: string;
    at: string;
    sendAt: string | null;
    channel: string | null;
    category: 'marketing' | 'transactional';
    templateName: string | null;
    language: string | null;
    subject?: string;
    text: string;
    blockedBy?: BlockedBy;
  }[];
  endsAt: string;
  outcome: 'completed' | 'exited' | 'held-out' | 'step-limit';
  exitReason: string | null;
  goalReached: boolean;
  problems: Problem[];
}
