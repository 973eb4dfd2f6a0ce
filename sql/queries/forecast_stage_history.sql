-- name: forecast_stage_history
-- title: Every time a deal entered a stage in the window (the past quarters the forecast learns from), with how the
--   deal ended: won, lost or still open, and when
-- reads: opportunity_stage_history, deals, in_scope, name_key
-- writes:
-- parameters: window_start, window_end, region, segment
-- columns:
--   stage_key: the stage entered, in its normal form
--   entered_at: when the deal entered it
--   is_closed: whether the deal is closed now
--   is_won: whether it was won
--   closed_at: the first instant of its close date (empty while open)
WITH entries AS (
  SELECT h.opportunity_id, name_key(h.stage) AS stage_key, h.entered_at
  FROM opportunity_stage_history h
  WHERE h.entered_at >= $window_start AND h.entered_at < $window_end
)
SELECT e.stage_key, e.entered_at, d.is_closed, d.is_won, CASE WHEN d.is_closed THEN d.closed_at END AS closed_at
FROM entries e JOIN deals() d USING (opportunity_id)
WHERE in_scope(d.region, d.segment, $region, $segment)
