import type { SendOutcome } from '../channel.ts';
import { isRecord, type ProviderAnswer } from './http.ts';

/**
 * Maps a Telegram-style Bot API answer (Telegram, Bale) onto the one outcome set.
 *
 * The envelope is documented at https://core.telegram.org/bots/api#making-requests:
 * `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`, where
 * `parameters.retry_after` is the flood-control wait and `parameters.migrate_to_chat_id` the new
 * id of an upgraded group (https://core.telegram.org/bots/api#responseparameters). Telegram does not
 * publish a list of descriptions; the ones matched here are the answers bots see in practice
 * (collected at github.com/TelegramBotAPI/errors): "Forbidden: bot was blocked by the user",
 * "Forbidden: user is deactivated", "Bad Request: chat not found", "Unauthorized",
 * "Too Many Requests: retry after N". "Forbidden: bot can't send messages to the user" is a
 * short-lived server state, not an opt-out (rss2tg.duck.consulting/bug.html), so it is retried.
 */
export function botApiOutcome(answer: ProviderAnswer): SendOutcome {
  const body = answer.json;
  if (isRecord(body) && body.ok === true) {
    const result = isRecord(body.result) ? body.result : {};
    const id = result.message_id;
    return { status: 'sent', providerMessageId: id === undefined ? undefined : String(id) };
  }
  if (!isRecord(body) || body.ok !== false) {
    // Not the envelope: a proxy or an outage page. 5xx and unreadable answers are retried.
    if (answer.status >= 500 || answer.status === 0 || answer.status === 429)
      return { status: 'failed-retryable', error: `provider answered HTTP ${answer.status}`, retryAfterMs: retryMs(answer) };
    if (answer.status === 401 || answer.status === 404)
      return { status: 'failed-permanent', error: `provider answered HTTP ${answer.status}: check the bot token` };
    return { status: 'failed-retryable', error: `unreadable provider answer (HTTP ${answer.status})` };
  }
  const code = typeof body.error_code === 'number' ? body.error_code : answer.status;
  const description = typeof body.description === 'string' ? body.description : `error ${code}`;
  const text = description.toLowerCase();
  const parameters = isRecord(body.parameters) ? body.parameters : {};

  if (code === 429) {
    const seconds = typeof parameters.retry_after === 'number' ? parameters.retry_after : answer.retryAfterSeconds;
    return { status: 'failed-retryable', error: description, retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
  }
  if (code >= 500) return { status: 'failed-retryable', error: description };
  if (code === 401 || code === 404) return { status: 'failed-permanent', error: description };
  if (code === 403) {
    if (text.includes("can't send messages to the user")) return { status: 'failed-retryable', error: description };
    if (text.includes('blocked') || text.includes('deactivated') || text.includes('kicked'))
      return { status: 'suppressed', reason: 'blocked', error: description };
    // "bot can't initiate conversation with a user", "bot can't send messages to bots",
    // "bot is not a member of the channel chat": this address cannot be reached by this bot.
    return { status: 'suppressed', reason: 'invalid-address', error: description };
  }
  if (code === 400) {
    if (typeof parameters.migrate_to_chat_id === 'number')
      return { status: 'failed-permanent', error: `${description} (new chat id ${parameters.migrate_to_chat_id})` };
    if (/chat not found|user not found|peer_id_invalid|chat_id is empty|user_is_bot/.test(text))
      return { status: 'suppressed', reason: 'invalid-address', error: description };
    return { status: 'failed-permanent', error: description };
  }
  return { status: 'failed-permanent', error: description };
}

function retryMs(answer: ProviderAnswer): number | undefined {
  return answer.retryAfterSeconds === undefined ? undefined : answer.retryAfterSeconds * 1000;
}
