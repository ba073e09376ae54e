-- Events PostgreSQL refused for what they contain (a data or statement error, not an outage), set aside so that one
-- bad event never blocks the batch it came in. The event is kept in EventCodec's text form, in which U+0000 and
-- unpaired surrogates are escaped, so whatever made the insert fail cannot make this one fail too.
create table event_quarantine (
    id             bigserial primary key,
    message_id     text,
    event          text not null,
    sql_state      text,
    error          text not null,
    quarantined_at timestamptz not null default now()
);
-- A batch replayed twice (at-least-once buffers) quarantines its bad events once.
create unique index event_quarantine_event on event_quarantine (md5(event));
create index event_quarantine_at on event_quarantine (quarantined_at);
