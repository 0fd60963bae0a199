import { randomUUID } from 'node:crypto';
import type { Channel, ChannelDirectory, ChannelKind, OutgoingMessage, SendOutcome } from '../../channels/channel.ts';
import type { MessageRenderer, RenderRequest } from '../../contracts.ts';
import { ok, type Result } from '../../../platform/result.ts';

/** What a test scripts for a send: the outcome, given the message and how often its id was seen. */
export type Script = (message: OutgoingMessage, attempt: number) => SendOutcome | Promise<SendOutcome>;

export interface RecordedSend {
  id: string;
  customerId: string;
  address: string;
  category: OutgoingMessage['category'];
  text: string;
  outcome: SendOutcome;
}

/**
 * A test-only `Channel` whose answers the test scripts (the real drivers are tested against local
 * provider servers in their own folders). It records every send it was handed, so tests count
 * deliveries per message id. Not registered anywhere in the app.
 */
export class RecordingChannel implements Channel {
  readonly provider = 'recording';
  readonly ratePerSecond = 0;
  readonly sends: RecordedSend[] = [];
  readonly #attempts = new Map<string, number>();
  script: Script;

  constructor(
    readonly kind: ChannelKind,
    script: Script = (m) => ({ status: 'sent', providerMessageId: `rec-${m.id}` }),
  ) {
    this.script = script;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const attempt = (this.#attempts.get(message.id) ?? 0) + 1;
    this.#attempts.set(message.id, attempt);
    const outcome = await this.script(message, attempt);
    this.sends.push({ id: message.id, customerId: message.to.customerId, address: message.to.address, category: message.category, text: message.text, outcome });
    return outcome;
  }

  /** Sends that the provider accepted (sent or delivered). */
  get accepted(): RecordedSend[] {
    return this.sends.filter((s) => s.outcome.status === 'sent' || s.outcome.status === 'delivered');
  }

  async verify(): Promise<Result<{ detail?: string | undefined }, string>> {
    return ok({});
  }

  async close(): Promise<void> {}
}

/** A `ChannelDirectory` over recording channels, one per kind, each with a fixed config id. */
export class RecordingDirectory implements ChannelDirectory {
  readonly configIds = new Map<ChannelKind, string>();

  constructor(readonly channels: Partial<Record<ChannelKind, Channel>>) {
    for (const kind of Object.keys(channels) as ChannelKind[]) this.configIds.set(kind, randomUUID());
  }

  async open(_workspaceId: string, kind: ChannelKind) {
    const channel = this.channels[kind];
    const configId = this.configIds.get(kind);
    return channel && configId ? { configId, channel } : undefined;
  }

  async openById(workspaceId: string, configId: string) {
    const kind = [...this.configIds].find(([, id]) => id === configId)?.[0];
    return kind ? this.open(workspaceId, kind) : undefined;
  }

  async kinds(): Promise<ChannelKind[]> {
    return Object.keys(this.channels) as ChannelKind[];
  }
}

/** A renderer that renders "Hello {{name}}"-free text: template id and variables, for pipeline tests. */
export const echoRenderer: MessageRenderer = {
  async render(request: RenderRequest) {
    if (request.templateId === 'broken') return { ok: false, error: 'line 1, column 4: unexpected token' };
    return ok({ language: request.language ?? 'fa', text: `${request.templateId}:${JSON.stringify(request.variables ?? {})}`, subject: request.templateId });
  },
};
