import { createBotApiDriver } from '../bot-api/driver.ts';

/**
 * Bale (بله) bot: the Telegram Bot API wire format at https://tapi.bale.ai/bot<token>/<method>
 * (https://docs.bale.ai). Bale's docs do not promise the X-Telegram-Bot-Api-Secret-Token header,
 * so the webhook secret also rides in the registered URL's query. Bale publishes no bulk rate;
 * 20 messages/s is a conservative default an admin can raise in the channel settings.
 */
export const baleDriver = createBotApiDriver({
  provider: 'bale',
  kind: 'bale',
  label: 'Bale bot',
  defaultBaseUrl: 'https://tapi.bale.ai',
  defaultRatePerSecond: 20,
  sendsSecretHeader: false,
});
