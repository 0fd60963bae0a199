-- The worker claims due messages highest priority first (`order by priority desc, not_before`).
-- `messages_due` (not_before, priority desc) could not give that order, so every claim sorted all
-- waiting messages: ≈ 100 ms per claim with 100,000 queued, most of a broadcast's database time.
-- This index gives the claim's order directly (a claim of 256 now reads ≈ 256 index entries).
create index messages_claim on messages (priority desc, not_before) where status in ('queued', 'scheduled');
drop index messages_due;

-- Every message writes two or three history lines (queued, sending, sent …), and the foreign key
-- checked each one against `messages` (an index probe and a row lock on the message): ≈ 30 µs a
-- line, a tenth of a send's database time. Messages are never deleted by Vafa itself (customers
-- are anonymised, not deleted), so the key only ever mattered for cascades; a statement trigger
-- now removes the history of deleted messages instead, at no cost to inserts.
alter table message_events drop constraint message_events_message_id_fkey;

create function vafa_message_events_cleanup() returns trigger language plpgsql as $$
begin
  delete from message_events e using gone g where e.message_id = g.id;
  return null;
end $$;

create trigger messages_history_cleanup after delete on messages
  referencing old table as gone for each statement execute function vafa_message_events_cleanup();
