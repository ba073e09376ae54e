-- Experiments and their arms; an arm names exactly one of a controller version, a policy or a fixed expert.
create table experiments (
    id          text primary key,
    name        text not null,
    unit        text not null check (unit in ('user', 'conversation')),
    traffic     double precision not null check (traffic > 0 and traffic <= 1),
    salt        text not null,
    status      text not null check (status in ('draft', 'running', 'stopped')),
    owner       text not null,
    created_at  timestamptz not null,
    started_at  timestamptz,
    stopped_at  timestamptz
);

create table experiment_arms (
    experiment_id      text references experiments (id) on delete cascade,
    position           int,
    name               text not null,
    weight             double precision not null check (weight > 0),
    control            boolean not null,
    controller_version text,
    policy             text,
    epsilon            double precision,
    sigma              double precision,
    expert             text,
    primary key (experiment_id, position),
    unique (experiment_id, name)
);

-- Append-only event log. Inserts are idempotent (on conflict do nothing) so that a batch replayed from the
-- Redis buffer or the disk spool after an outage arrives exactly once.
create table exposures (
    message_id         text primary key,
    user_id            text not null,
    conversation_id    text not null,
    turn               int not null,
    experiment_id      text,
    arm                text,
    controller_version text not null,
    expert_id          text not null,
    expert_name        text not null,
    score              double precision not null,
    propensity         double precision not null,
    embedding          bytea,
    latency_ms         int not null,
    served_at          timestamptz not null,
    regenerates        text
);
create index exposures_served_at on exposures (served_at);
create index exposures_experiment on exposures (experiment_id, arm) where experiment_id is not null;
create index exposures_conversation on exposures (conversation_id, turn);

create table signals (
    message_id  text not null,
    type        text not null check (type in ('rating', 'retry', 'end')),
    value       real,
    received_at timestamptz not null,
    primary key (message_id, type)
);
