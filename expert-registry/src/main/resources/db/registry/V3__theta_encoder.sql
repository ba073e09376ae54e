-- The encoder whose embedding space an expert's content θ is in: a gateway re-embeds the descriptions of experts
-- embedded by another encoder when it starts. Every θ stored before this column existed came from all-MiniLM-L6-v2.
alter table experts add column theta_encoder text not null default 'all-minilm-l6-v2';
