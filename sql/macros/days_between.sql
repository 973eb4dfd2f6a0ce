-- name: days_between
-- title: Days between two moments in calendar days of a time zone, the warehouse's (velocity, cycle time): a deal
--   opened and won on the same day takes 0 days whatever the hour, since a close date has no hour; a later moment
--   before the earlier one is a data error (quality.stages_out_of_order) and gives no duration, never one below 0
-- arguments: from_at, to_at, zone
-- returns: scalar
-- reads: local_day
-- columns:
CASE WHEN local_day(to_at, zone) >= local_day(from_at, zone)
     THEN date_diff('day', local_day(from_at, zone), local_day(to_at, zone)) END
