-- name: attribution_touches
-- title: Every model's credit per eligible touch, zero shares included, with the touch's order and milestones
--   (DESIGN §4.4); in model, opportunity_id, position order
-- arguments: is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days, has_decay,
--   has_markov, wanted_models, markov_channels, markov_effects
-- returns: table
-- reads: attribution_units
-- columns:
--   model: the model
--   opportunity_id: the deal
--   campaign_id: the campaign touched
--   person_id: who touched it (empty for a primary-campaign touch)
--   touch_at: when
--   channel: the campaign's channel
--   position: the touch's place in the deal's touch order (by touch_at, then campaign_id, then person_id)
--   touch_count: the deal's eligible touches
--   is_ft: it is the first touch
--   is_mt: it is the lead-to-MQL touch
--   is_ot: it is the opportunity touch
--   is_ct: it is the closed-won touch (bookings basis)
--   share: its share of the deal
--   credited_amount: share × the deal's amount
SELECT model, opportunity_id, campaign_id, person_id, touch_at, channel, position, touch_count, is_ft, is_mt, is_ot,
       is_ct, share, credited_amount
FROM attribution_units(true, is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days,
                       has_decay, has_markov, wanted_models, markov_channels, markov_effects)
ORDER BY model_order, deal_order, unit_order
