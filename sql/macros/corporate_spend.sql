-- name: corporate_spend
-- title: Every spend row with its amount in the corporate currency (corporate_amount), converted at the rate of its
--   period's first day: what every cost a metric adds up reads
-- arguments:
-- returns: table
-- reads: campaign_spend, corporate_amount
-- columns:
--   campaign_id: the campaign
--   period_start: the period's first day
--   amount: its cost in the corporate currency
--   currency: the currency it was written in (empty: the corporate currency)
--   original_amount: its cost as written, in that currency
SELECT * REPLACE (corporate_amount(amount, currency, period_start) AS amount), amount AS original_amount
FROM campaign_spend
