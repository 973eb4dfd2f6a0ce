-- name: influenced_deal_touches
-- title: The deals attribution credits that have an eligible touch (DESIGN §4.3: influenced), with how many
-- reads: eligible_touches
-- writes:
-- parameters: is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours
-- columns:
--   opportunity_id: the deal
--   amount: its amount, 0 when empty
--   eligible_touches: its eligible touches
SELECT opportunity_id, any_value(amount) AS amount, count(campaign_id) AS eligible_touches
FROM eligible_touches($is_bookings, $by_account, $primary_credit, $q_start, $q_end, $lookback_hours)
GROUP BY opportunity_id ORDER BY opportunity_id
