import { createLogger } from '../../../platform/logger.ts';
import type { ChannelContext, OutgoingMessage } from '../channel.ts';

/** A ChannelContext for driver tests: a silent logger and a fixed public webhook URL. */
export function testChannelContext(webhookUrl = 'https://crm.example.com/hooks/channels/0b9f6c1e-2f47-4c55-9d59-3f1f1b0f7a10'): ChannelContext {
  return { log: createLogger('silent'), publicUrl: new URL(webhookUrl).origin, webhookUrl };
}

let counter = 0;

/** An SMS as the delivery pipeline hands it to a driver. */
export function smsMessage(to: string, text: string, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  counter += 1;
  return {
    id: `delivery-${process.pid}-${counter}`,
    to: { customerId: `customer-${counter}`, address: to },
    category: 'marketing',
    text,
    ...overrides,
  };
}
