-- Trained controllers: immutable artifacts (parameters + manifest); at most one is active.
create table controller_versions (
    id          text primary key,
    created_at  timestamptz not null,
    manifest    jsonb not null,
    artifact    bytea not null,
    active      boolean not null default false
);
create unique index controller_versions_one_active on controller_versions (active) where active;
