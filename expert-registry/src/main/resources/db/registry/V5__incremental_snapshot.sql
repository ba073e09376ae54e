-- Every inserted or updated expert row is stamped with the registry version its transaction commits as (or a lower
-- one of the same transaction), so that a replica whose snapshot is at version S reads only the rows stamped after S
-- instead of every expert and its θ. Removing expert rows (never done by the gateway, which retires) leaves nothing to
-- read, so it records its version in rows_removed_in and replicas behind it reload everything.
alter table experts add column changed_in bigint not null default 0;
create index experts_changed_in on experts (changed_in);
alter table registry_version add column rows_removed_in bigint not null default 0;
-- An owner's registration counts the owner's experts against the quota without reading the others.
create index experts_owner on experts (owner);

-- Taken before a statement locks any expert row: writers of the registry queue here, in commit order, so a stamp is
-- never below a version another transaction has already committed (a reader at that version would miss the row). The
-- version bump below locks the same row, after the statement.
create function llmc_lock_registry_version() returns trigger language plpgsql as $$
begin
    perform 1 from registry_version for update;
    return null;
end;
$$;

create function llmc_stamp_expert_change() returns trigger language plpgsql as $$
begin
    select version + 1 into new.changed_in from registry_version;
    return new;
end;
$$;

create trigger experts_lock_version before insert or update or delete on experts
    for each statement execute function llmc_lock_registry_version();
create trigger experts_stamp_change before insert or update on experts
    for each row execute function llmc_stamp_expert_change();

create or replace function llmc_notify_registry() returns trigger language plpgsql as $$
begin
    if TG_TABLE_NAME = 'experts' and TG_OP in ('DELETE', 'TRUNCATE') then
        update registry_version set version = version + 1, rows_removed_in = version + 1;
    else
        update registry_version set version = version + 1;
    end if;
    perform pg_notify('llmc_registry', '');
    return null;
end;
$$;
