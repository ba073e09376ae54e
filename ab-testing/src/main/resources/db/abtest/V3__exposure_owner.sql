-- Conversations, users and messages belong to the owner of the app key that created them: client-chosen ids
-- (user_id, conversation_id) are only unique within an owner. Rows logged before this column existed have no
-- known owner ('').
alter table exposures add column owner text not null default '';
drop index exposures_conversation;
create index exposures_conversation on exposures (owner, conversation_id, turn);
