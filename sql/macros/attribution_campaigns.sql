-- name: attribution_campaigns
-- title: Every model's credit per campaign (DESIGN §4.4): attribution_shares added up per campaign, and the deals
--   with no eligible touch as the row with no campaign, so every model's total equals the CRM's pipeline or bookings;
--   in model, campaign_id order (the unattributed row first)
-- arguments: is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days, has_decay,
--   has_markov, wanted_models, markov_channels, markov_effects
-- returns: table
-- reads: attribution_units
-- columns:
--   model: the model
--   campaign_id: the campaign credited (empty: the deals with no eligible touch)
--   credited_amount: the credit its deals give it (shares × amounts, added in opportunity_id order with Kahan's
--     compensated sum: the same double as pandas' group sum of attribution_shares' rows, in their order)
--   opportunities: the deals giving it credit (a deal is one row per campaign)
SELECT any_value(model) AS model, any_value(campaign_id) AS campaign_id,
       -- summed here rather than over attribution_shares' rows in pandas, so that callers wanting campaigns' totals
       -- neither sort nor hold the per-(deal, campaign) rows (5 M for seven models at L, ten times more at XL)
       fsum(credited_amount ORDER BY deal_order) AS credited_amount, count(*) AS opportunities
FROM attribution_units(false, is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days,
                       has_decay, has_markov, wanted_models, markov_channels, markov_effects)
-- grouped on the model's and the campaign's places in name and id order (the unattributed row's is 0), integers
GROUP BY model_order, unit_order
ORDER BY model_order, unit_order
