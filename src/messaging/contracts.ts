import type { Result } from '../platform/result.ts';
import type { ChannelKind, DeliveryReceipt, InboundMessage } from './channels/channel.ts';

/**
 * What the delivery pipeline needs from templates, without importing them: the composition
 * root passes the template store's renderer in. Rendering happens per recipient at send time
 * (MJML compiled once when the template is saved, Liquid per recipient).
 */
export interface RenderRequest {
  workspaceId: string;
  customerId: string;
  templateId: string;
  channel: ChannelKind;
  /** Preferred language; the template falls back (customer's → workspace default → any). */
  language?: string | undefined;
  /** Extra variables for this send (order, product, gift code …), under `{{ vars.* }}`. */
  variables?: Record<string, unknown> | undefined;
  /** Links the pipeline built for this delivery (unsubscribe, preferences). */
  links?: { unsubscribeUrl?: string | undefined; preferencesUrl?: string | undefined } | undefined;
}

export interface RenderedContent {
  language: string;
  text: string;
  subject?: string | undefined;
  html?: string | undefined;
  url?: string | undefined;
  template?: { name: string; language: string; parameters: string[] } | undefined;
  /** Messengers: the label of the `url` button (drivers read it as `metadata.buttonText`). */
  buttonText?: string | undefined;
}

export interface MessageRenderer {
  render(request: RenderRequest): Promise<Result<RenderedContent, string>>;
  /** Optional: the same for many requests at once, in order (fewer round trips for a batch). */
  renderMany?(requests: readonly RenderRequest[]): Promise<Result<RenderedContent, string>[]>;
}

/**
 * What providers tell us after a send (receipts) and what customers send us (inbound), passed from
 * the channels' webhook/polling code to the delivery pipeline without either importing the other.
 * Listeners write durably before the webhook is answered 200.
 */
export interface ChannelEventContext {
  workspaceId: string;
  /** The configured channel (channel_configs.id) the event came through. */
  configId: string;
  kind: ChannelKind;
  provider: string;
}

type ReceiptListener = (context: ChannelEventContext, receipts: DeliveryReceipt[]) => Promise<void>;
type InboundListener = (context: ChannelEventContext, messages: InboundMessage[]) => Promise<void>;

export class ChannelEvents {
  private readonly receiptListeners: ReceiptListener[] = [];
  private readonly inboundListeners: InboundListener[] = [];

  onReceipts(listener: ReceiptListener): void {
    this.receiptListeners.push(listener);
  }

  onInbound(listener: InboundListener): void {
    this.inboundListeners.push(listener);
  }

  async receipts(context: ChannelEventContext, receipts: DeliveryReceipt[]): Promise<void> {
    if (receipts.length) for (const l of this.receiptListeners) await l(context, receipts);
  }

  async inbound(context: ChannelEventContext, messages: InboundMessage[]): Promise<void> {
    if (messages.length) for (const l of this.inboundListeners) await l(context, messages);
  }
}
