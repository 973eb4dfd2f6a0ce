-- name: touched_mqls
-- title: The MQLs of a period, each with every campaign that touched it at or before its mql_at: whose lead quality
--   a campaign or a channel is credited with (DESIGN §4.5)
-- arguments: use_backfill, q_start, q_end, window_days, min_touches, ready_personas
-- returns: table
-- reads: period_mql_quality, touches
-- columns:
--   person_id: the MQL
--   region: their account's region
--   segment: their account's segment
--   is_sales_ready: whether they are sales-ready (period_mql_quality)
--   campaign_id: a campaign they responded to at or before their mql_at
--   channel: that campaign's channel
SELECT m.person_id, m.region, m.segment, m.is_sales_ready, t.campaign_id, t.channel
FROM period_mql_quality(use_backfill, q_start, q_end, window_days, min_touches, ready_personas) m
JOIN touches t ON t.person_id = m.person_id AND t.touch_at <= m.mql_at
