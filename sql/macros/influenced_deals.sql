-- name: influenced_deals
-- title: Which deals have an eligible touch, without the touches (DESIGN §4.4): pipeline basis, a touch in
--   [opened − lookback, opened]; bookings basis, won deals, a touch in [opened − lookback, end of close date). A deal
--   has one exactly when its linked people's latest touch up to the window's end, stored at import
--   (opportunity_facts), falls on or after opened − lookback; linking (contacts or the whole account) and the
--   lookback are the charter's, bound here
-- arguments: by_account, primary_credit, lookback_hours
-- returns: table
-- reads: opportunity_facts
-- columns:
--   opportunity_id: the deal
--   region: its account's region
--   segment: its account's segment
--   created_at: when it was opened
--   closed_at: the first instant of its close date in the warehouse's time zone (UTC)
--   amount: its amount in the corporate currency, 0 when empty, at the rate of the day it counts as pipeline
--   closed_amount: the same at the rate of the day it counts as closed (bookings)
--   is_won: whether it is won
--   is_influenced: it has an eligible touch on the pipeline basis
--   has_bookings_touch: it is won and has an eligible touch on the bookings basis
SELECT opportunity_id, region, segment, created_at, closed_at, amount, closed_amount, is_won,
       coalesce(CASE WHEN by_account THEN latest_account_touch_at ELSE latest_contact_touch_at END
                >= created_at - to_hours(CAST(lookback_hours AS BIGINT)), false)
         -- §12: a deal naming a loaded primary campaign has a touch at its creation when it has no other
         OR (primary_credit AND primary_campaign_channel IS NOT NULL) AS is_influenced,
       coalesce(is_won AND closed_at IS NOT NULL
                AND CASE WHEN by_account THEN latest_account_touch_by_close_at
                         ELSE latest_contact_touch_by_close_at END
                    >= created_at - to_hours(CAST(lookback_hours AS BIGINT)), false)
         OR (primary_credit AND primary_campaign_channel IS NOT NULL AND is_won AND closed_at IS NOT NULL)
         AS has_bookings_touch
FROM opportunity_facts
