-- name: days_between
-- title: Days between two moments in calendar days (velocity, cycle time): a deal opened and won on the same day
--   takes 0 days whatever the hour, since a close date has no hour; a later moment before the earlier one is a data
--   error (quality.stages_out_of_order) and gives no duration, never one below 0
-- arguments: from_at, to_at
-- returns: scalar
-- reads:
-- columns:
CASE WHEN CAST(to_at AS DATE) >= CAST(from_at AS DATE)
     THEN date_diff('day', CAST(from_at AS DATE), CAST(to_at AS DATE)) END
