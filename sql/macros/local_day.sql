-- name: local_day
-- title: The day a moment (a UTC timestamp) falls on in a time zone: what counts calendar days between moments in
--   the company's own days (DESIGN §4.8)
-- arguments: moment, zone
-- returns: scalar
-- reads:
-- columns:
CASE WHEN zone = 'UTC' THEN CAST(moment AS DATE) ELSE CAST(timezone(zone, timezone('UTC', moment)) AS DATE) END
