-- Linear Thompson sampling's shared statistics, as the rewards it learned from: one row per rating or retry signal on
-- a message linear Thompson routed, with that message's e(C). Rows are appended by one replica at a time (under an
-- advisory lock), so ids grow in commit order and every replica folds the same rows in the same order into its
-- in-memory posteriors.
create table exploration_observations (
    id                 bigserial primary key,
    message_id         text not null,
    signal_type        text not null,
    expert_id          text not null,
    embedding          bytea not null,
    reward             double precision not null,
    signal_received_at timestamptz not null,
    unique (message_id, signal_type)
);
create index exploration_observations_received on exploration_observations (signal_received_at);
