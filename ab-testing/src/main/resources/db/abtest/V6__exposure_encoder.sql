-- The id of the sentence encoder that computed each exposure's e(C) (static-minilm-v1, all-minilm-l6-v2, …): vectors of
-- two encoders live in different spaces, so training and off-policy estimates use only one encoder's exposures. Null
-- where nothing was encoded (a pinned expert) and in rows logged before this column: those are read as
-- all-minilm-l6-v2, the gateway's only encoder before static-minilm-v1 (LoggedExposureReader.UNRECORDED_ENCODER).
alter table exposures add column encoder text;
