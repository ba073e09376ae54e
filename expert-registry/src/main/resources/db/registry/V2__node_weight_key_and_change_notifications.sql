-- Nodes get a load-balancing weight and an optional upstream API key (stored as the gateway's ciphertext).
alter table expert_nodes add column weight int not null default 1 check (weight between 1 and 100);
alter table expert_nodes add column encrypted_api_key text;

alter table experts add column updated_at timestamptz;
update experts set updated_at = created_at;
alter table experts alter column updated_at set not null;

-- Every change to the registry notifies the channel every gateway replica LISTENs on, so their in-memory
-- snapshots follow within a second without polling. Statement-level: one notification per statement, and
-- PostgreSQL folds identical notifications of one transaction into one, delivered at commit.
create function llmc_notify_registry() returns trigger language plpgsql as $$
begin
    perform pg_notify('llmc_registry', '');
    return null;
end;
$$;

create trigger experts_notify after insert or update or delete or truncate on experts
    for each statement execute function llmc_notify_registry();
create trigger expert_nodes_notify after insert or update or delete or truncate on expert_nodes
    for each statement execute function llmc_notify_registry();
