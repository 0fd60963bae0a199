-- Idempotency-Key on POST: the first answer is kept and replayed for the same key.
create table idempotency_keys (
  workspace_id uuid not null,
  key text not null,
  route text not null,
  status integer,
  body jsonb,
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);
