-- The encoder of each observation's e(C), copied from its exposure: posteriors over one encoder's embedding space must
-- not fold another encoder's vectors after llmc.encoder.model changes. Null where the exposure recorded none (rows
-- logged before exposures.encoder existed), read as all-minilm-l6-v2 like those exposures.
alter table exploration_observations add column encoder text;
