-- name: hours_between
-- title: Hours between two moments, to the second (follow-up time, held to the SLA in hours): from the MQL to the
--   first sales activity at or after it; a later moment before the earlier one gives no duration, never one below 0
-- arguments: from_at, to_at
-- returns: scalar
-- reads:
-- columns:
CASE WHEN to_at >= from_at THEN (epoch(to_at) - epoch(from_at)) / 3600.0 END
