import { createBotApiDriver } from '../bot-api/driver.ts';

/**
 * Telegram bot (https://core.telegram.org/bots/api). Recipient address: the chat id, captured when
 * the customer opens the bot (a /start deep link carries the customer token). Rate: Telegram's FAQ
 * asks bots to stay under about 30 messages per second in bulk
 * (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 */
export const telegramDriver = createBotApiDriver({
  provider: 'telegram',
  kind: 'telegram',
  label: 'Telegram bot',
  defaultBaseUrl: 'https://api.telegram.org',
  defaultRatePerSecond: 30,
  sendsSecretHeader: true,
});
