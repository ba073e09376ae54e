-- A counter that every registry change bumps in its own transaction: a replica compares it with the version of its
-- snapshot before reloading every expert, so the periodic safety-net refresh and the notifications of its own writes
-- cost one tiny read instead of a full reload when nothing changed (a reload of 10,000 experts takes about a second).
create table registry_version (version bigint not null);
insert into registry_version values (0);

create or replace function llmc_notify_registry() returns trigger language plpgsql as $$
begin
    update registry_version set version = version + 1;
    perform pg_notify('llmc_registry', '');
    return null;
end;
$$;
