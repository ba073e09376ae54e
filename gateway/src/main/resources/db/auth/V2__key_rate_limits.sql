-- Per-key rate limits; null means the configured default (llmc.rate-limits.*), 0 means unlimited.
alter table api_keys
    add column requests_per_minute bigint check (requests_per_minute >= 0),
    add column tokens_per_minute   bigint check (tokens_per_minute >= 0);
