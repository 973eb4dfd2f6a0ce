-- name: model_shares
-- title: attribution_shares for the models given as rows of weights (the charter's model of record, for the catalog's
--   attribution metrics), whether time decay and data_driven's removal effects play a part read from the weights
-- arguments: is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days, wanted_models,
--   markov_channels, markov_effects
-- returns: table
-- reads: attribution_shares
-- columns:
--   model: the model
--   opportunity_id: the deal
--   campaign_id: the campaign credited (empty: the deal had no eligible touch)
--   share: its share of the deal
--   credited_amount: share × the deal's amount
SELECT * FROM attribution_shares(is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours,
                                 half_life_days, list_bool_or(list_transform(wanted_models, lambda w: w.decay > 0)),
                                 list_bool_or(list_transform(wanted_models, lambda w: w.markov > 0)), wanted_models,
                                 markov_channels, markov_effects)
