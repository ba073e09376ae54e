-- Which policy chose each served expert (greedy, epsilon_greedy, thompson, linear_thompson, random, pinned), so that
-- off-policy estimates and the linear Thompson updates can tell the traffic apart; null for rows logged before.
alter table exposures add column policy text;
-- Linear Thompson sampling reads the signals that arrived since it last looked.
create index signals_received_at on signals (received_at);
