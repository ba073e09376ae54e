-- Per-expert statistics and feedback counts (expert pages, cold start) filter exposures by expert.
create index exposures_expert on exposures (expert_id, served_at);
