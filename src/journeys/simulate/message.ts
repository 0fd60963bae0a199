import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { ChannelKind } from '../../messaging/channels/channel.ts';
import { addressOf, channelScores, consentAllows, loadRecipient as loadRecipientFacts, slotsLeft, topicAllows } from '../../messaging/delivery/checks.ts';
import { quietHoursEnd, rankChannels } from '../../messaging/delivery/policy.ts';
import { type MessagingSettings, timeZoneSchema } from '../../messaging/delivery/settings.ts';
import { loadRecipient } from '../../messaging/templates/context.ts';
import { renderFor, type TemplateRenderer } from '../../messaging/templates/render.ts';
import type { StepOf } from '../model/schema.ts';

/** Why the delivery pipeline would not send (now): the refusals of decide.ts, named for people. */
export type BlockedBy = 'consent' | 'topic_opt_out' | 'no_address' | 'suppressed' | 'frequency_cap' | 'no_channel' | 'quiet_hours' | 'template' | 'customer_gone';

export interface SimulatedMessage {
  stepId: string;
  /** When the step enqueues it (simulated time). */
  at: string;
  /** When the pipeline would send it: later than `at` when quiet hours hold it back. */
  sendAt: string | null;
  channel: ChannelKind | null;
  category: 'marketing' | 'transactional';
  templateName: string | null;
  language: string | null;
  subject?: string | undefined;
  text: string;
  blockedBy?: BlockedBy | undefined;
  /** Channels passed over before `channel`, and why (as the pipeline's `passedOver`). */
  passedOver: Partial<Record<ChannelKind, BlockedBy>>;
}

/** What the simulation reads once per request and threads through every send step. */
export interface SendScene {
  tx: Db;
  workspaceId: string;
  customerId: string;
  settings: MessagingSettings;
  /** Kinds with an enabled channel in the workspace. */
  enabled: ReadonlySet<string>;
  renderer: TemplateRenderer;
  /** Marketing slots already used (real messages, then the simulated ones before this one). */
  used: { channel: string | null; at: Date }[];
}

/** The customer's real cap slots over the longest cap window before `from` (read-only). */
export async function usedSlots(tx: Db, customerId: string, settings: MessagingSettings, from: Date): Promise<{ channel: string | null; at: Date }[]> {
  if (settings.caps.length === 0) return [];
  const longest = Math.max(...settings.caps.map((c) => c.days));
  const r = await sql<{ channel: string | null; slot_at: Date }>`
    select channel, slot_at from messages where customer_id = ${customerId}::uuid and slot_at > ${new Date(from.getTime() - longest * 86_400_000)}`.execute(tx);
  return r.rows.map((row) => ({ channel: row.channel, at: new Date(row.slot_at) }));
}

/**
 * A send step as the delivery pipeline would treat it at simulated time `at` (decide.ts's order:
 * quiet hours, caps, then per channel consent, topic opt-out, address, suppression, channel cap,
 * an enabled channel), rendered with the real renderer for this customer. Reads only.
 */
export async function simulateSend(scene: SendScene, step: StepOf<'send'>, at: Date, context: Record<string, unknown>): Promise<SimulatedMessage> {
  const { tx, workspaceId, customerId, settings } = scene;
  const parsed = await scene.renderer.template(workspaceId, step.templateId);
  const category = step.category ?? parsed?.template.category ?? 'marketing';
  const base: SimulatedMessage = { stepId: step.id, at: at.toISOString(), sendAt: null, channel: null, category, templateName: parsed?.template.name ?? null, language: null, text: '', passedOver: {} };
  if (!parsed) return { ...base, text: `no template ${step.templateId} in the workspace`, blockedBy: 'template' };
  const facts = await loadRecipientFacts(tx, workspaceId, customerId, step.templateId);
  if (!facts) return { ...base, blockedBy: 'customer_gone' };
  const marketing = category === 'marketing';

  let sendAt = at;
  let held = false;
  if (marketing && settings.quietHours.enabled) {
    const zone = facts.timezone && timeZoneSchema.safeParse(facts.timezone).success ? facts.timezone : settings.timezone;
    const end = quietHoursEnd(at, zone, settings.quietHours);
    if (end) {
      sendAt = end;
      held = true;
    }
  }

  const passedOver: Partial<Record<ChannelKind, BlockedBy>> = {};
  let blockedBy: BlockedBy | undefined;
  let channel: ChannelKind | undefined;
  if (marketing && settings.caps.length && Math.min(...settings.caps.map((c) => slotsLeft(c, 'all', scene.used, sendAt))) <= 0) blockedBy = 'frequency_cap';
  else {
    const scores = step.channels === 'auto' ? ((await channelScores(tx, [customerId], sendAt)).get(customerId) ?? new Map()) : new Map<string, number>();
    const candidates = step.channels === 'auto' ? rankChannels(settings.channelOrder, scores) : (step.channels as ChannelKind[]);
    for (const kind of candidates) {
      const address = addressOf(kind, facts);
      const refusal: BlockedBy | undefined = !consentAllows(kind, category, settings, facts)
        ? 'consent'
        : !topicAllows(kind, category, facts)
          ? 'topic_opt_out'
          : !address
            ? 'no_address'
            : facts.suppressed.has(`${kind} ${address}`)
              ? 'suppressed'
              : marketing && Math.min(...settings.caps.map((c) => (c.channel === kind ? slotsLeft(c, kind, scene.used, sendAt) : Number.POSITIVE_INFINITY))) <= 0
                ? 'frequency_cap'
                : !scene.enabled.has(kind)
                  ? 'no_channel'
                  : undefined;
      if (refusal) {
        // "auto" walks the workspace's whole order; a kind without a channel there is no news.
        if (step.channels !== 'auto' || refusal !== 'no_channel') passedOver[kind] = refusal;
        continue;
      }
      channel = kind;
      break;
    }
    if (!channel) blockedBy = (candidates.map((k) => passedOver[k]).find(Boolean) as BlockedBy | undefined) ?? 'no_channel';
  }

  // Rendered for the first candidate when nothing would be sent, so the author still reads the text.
  const renderChannel = channel ?? (step.channels === 'auto' ? settings.channelOrder.find((k) => scene.enabled.has(k)) : step.channels[0]);
  let text = '';
  let subject: string | undefined;
  let language: string | null = null;
  if (renderChannel) {
    const recipient = await loadRecipient(tx, workspaceId, customerId, parsed.needs);
    if (recipient) {
      const rendered = await renderFor(parsed, await scene.renderer.workspaceFacts(workspaceId), recipient, { channel: renderChannel, variables: { ...step.variables, trigger: context } });
      if (rendered.ok) {
        text = rendered.value.text;
        subject = rendered.value.subject;
        language = rendered.value.language;
      } else {
        text = rendered.error;
        blockedBy ??= 'template';
      }
    }
  }
  if (!blockedBy && held) blockedBy = 'quiet_hours';
  if (channel && marketing && blockedBy !== 'template') scene.used.push({ channel, at: sendAt });
  const sends = !blockedBy || blockedBy === 'quiet_hours';
  return { ...base, sendAt: sends ? sendAt.toISOString() : null, channel: channel ?? null, language, ...(subject !== undefined ? { subject } : {}), text, ...(blockedBy ? { blockedBy } : {}), passedOver };
}
