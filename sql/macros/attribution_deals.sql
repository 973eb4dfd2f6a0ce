-- name: attribution_deals
-- title: The deals attribution credits (DESIGN §4.4): on the bookings basis won deals with a close date (closed in
--   the quarter, when one is given), on the pipeline basis every deal (created in the quarter, when one is given)
-- arguments: is_bookings, q_start, q_end
-- returns: table
-- reads: opportunity_facts
-- columns:
--   opportunity_id: the deal
--   account_id: its account
--   created_at: when it was opened
--   closed_at: the first instant of its close date in the warehouse's time zone (UTC)
--   amount: its amount in the corporate currency, 0 when empty: on the bookings basis at the rate of the day it
--     counts as closed, else at the rate of the day it counts as pipeline
--   primary_campaign_id: the primary campaign it names
--   basis_at: the moment its window ends: created_at (pipeline, inclusive) or the midnight after its close date
--     (bookings, exclusive)
--   deal_order: its place in opportunity_id order, so that results are sorted on integers, not on the ids' text
SELECT opportunity_id, account_id, created_at, closed_at,
       CASE WHEN is_bookings THEN closed_amount ELSE amount END AS amount, primary_campaign_id,
       CASE WHEN is_bookings THEN closed_at + INTERVAL 1 DAY ELSE created_at END AS basis_at,
       row_number() OVER (ORDER BY opportunity_id) AS deal_order
FROM opportunity_facts
WHERE CASE WHEN is_bookings
           THEN is_won AND closed_at IS NOT NULL
                AND (q_start IS NULL OR (closed_at >= q_start AND closed_at < q_end))
           ELSE q_start IS NULL OR (created_at >= q_start AND created_at < q_end) END
