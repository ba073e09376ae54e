-- API keys: only the SHA-256 of each key is stored (keys are 238-bit random, so a fast hash is enough).
create table api_keys (
    id          text primary key,
    key_hash    text not null unique,
    prefix      text not null,
    role        text not null check (role in ('app', 'developer', 'data-scientist', 'admin')),
    owner       text not null,
    created_at  timestamptz not null,
    revoked_at  timestamptz
);

-- Every replica LISTENs on this channel and reloads its in-memory key table, so a revocation takes effect
-- everywhere within a second without a database read per request.
create function llmc_notify_keys() returns trigger language plpgsql as $$
begin
    perform pg_notify('llmc_keys', '');
    return null;
end;
$$;

create trigger api_keys_notify after insert or update or delete or truncate on api_keys
    for each statement execute function llmc_notify_keys();
