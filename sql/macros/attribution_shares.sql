-- name: attribution_shares
-- title: Every model's credit per (deal, campaign) with a share above 0, and one row with no campaign for each deal
--   with no eligible touch (credited whole), so every model's total equals the CRM's pipeline or bookings (DESIGN
--   §4.4); in model, opportunity_id, campaign_id order (the unattributed row first)
-- arguments: is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days, has_decay,
--   has_markov, wanted_models, markov_channels, markov_effects
-- returns: table
-- reads: attribution_units
-- columns:
--   model: the model
--   opportunity_id: the deal
--   campaign_id: the campaign credited (empty: the deal had no eligible touch)
--   share: its share of the deal
--   credited_amount: share × the deal's amount
SELECT model, opportunity_id, campaign_id, share, credited_amount
FROM attribution_units(false, is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days,
                       has_decay, has_markov, wanted_models, markov_channels, markov_effects)
ORDER BY model_order, deal_order, unit_order
