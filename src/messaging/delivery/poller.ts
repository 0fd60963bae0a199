import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelDirectory, ChannelKind } from '../channels/channel.ts';
import { applyReceipts } from './events.ts';

/** Polled again after this long while no receipt came; given up after `maxAgeMs`. */
const repollMs = 5 * 60_000;
const maxAgeMs = 3 * 86_400_000;

/**
 * One polling pass for providers without receipt webhooks: asks each configured channel that has
 * `pollReceipts` about its recent sends still in `sent`, and applies the answers like webhook
 * receipts. State is in `messages.polled_at`, so several processes share the work.
 */
export async function pollReceiptsOnce(db: Db, log: Logger, channels: ChannelDirectory, now = new Date(), limit = 500): Promise<number> {
  if (!channels.openById) {
    log.debug('receipt polling skipped: the channel directory cannot open a channel by id');
    return 0;
  }
  const due = await sql<{ id: string; workspace_id: string; config_id: string; channel: string; provider_message_id: string }>`
    update messages set polled_at = ${now}
     where id in (select id from messages
                   where status = 'sent' and provider_message_id is not null and config_id is not null
                     and sent_at > ${new Date(now.getTime() - maxAgeMs)}
                     and (polled_at is null or polled_at < ${new Date(now.getTime() - repollMs)})
                   order by sent_at limit ${limit} for update skip locked)
    returning id, workspace_id, config_id, channel, provider_message_id`.execute(db);
  const groups = new Map<string, typeof due.rows>();
  for (const r of due.rows) groups.set(r.config_id, [...(groups.get(r.config_id) ?? []), r]);
  let applied = 0;
  for (const [configId, rows] of groups) {
    const first = rows[0];
    if (!first) continue;
    const opened = await channels.openById(first.workspace_id, configId);
    if (!opened?.channel.pollReceipts) continue;
    const answer = await opened.channel.pollReceipts(rows.map((r) => r.provider_message_id));
    if (!answer.ok) {
      log.warn({ configId, error: answer.error }, 'receipt polling failed');
      continue;
    }
    applied += await applyReceipts(
      db,
      log,
      { workspaceId: first.workspace_id, configId, kind: first.channel as ChannelKind, provider: opened.channel.provider },
      answer.value,
    );
  }
  return applied;
}
