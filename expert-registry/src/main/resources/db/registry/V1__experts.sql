create table experts (
    id          text primary key,
    name        text not null constraint experts_name_key unique,
    description text not null,
    owner       text not null,
    status      text not null check (status in ('pending', 'active', 'paused', 'retired')),
    theta       real[] not null,
    created_at  timestamptz not null
);

create table expert_nodes (
    expert_id text references experts (id) on delete cascade,
    position  int,
    base_url  text not null,
    model     text not null,
    primary key (expert_id, position)
);
