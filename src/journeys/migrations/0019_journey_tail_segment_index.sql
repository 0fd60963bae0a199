-- The journey engine's tail reads the history of a trigger segment since its watermark
-- (engine/tail.ts: segment_id = any(…) and occurred_at in a window of about a second) on every
-- pass, every 200 ms. segment_history had only (segment_id): each pass read the segment's whole
-- history and filtered it — bench/journeys read 70,000 rows in 6 s of a 10,000-member trigger
-- segment that had not changed. With the time in the index, a pass reads only its window.
create index segment_history_segment_time on segment_history (segment_id, occurred_at);
