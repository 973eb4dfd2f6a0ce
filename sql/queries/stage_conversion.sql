-- name: stage_conversion
-- title: Stage to stage: of the deals entering each open stage in a window, the share that reached a later stage (or
--   won) by the window's end, and the median days they spent in the stage
-- reads: opportunity_facts, deal_stage_entries, deal_stage_order, in_scope, days_between
-- writes:
-- parameters: window_start, window_end, region, segment, time_zone
-- columns:
--   stage_order: the stage's place among the open stages (deal_stage_order)
--   stage: the stage
--   next_stage: the stage after it, or 'Won' after the last
--   entered: deals whose first entry into the stage falls in the window
--   reached_next: of them, those that entered a later stage or were won before the window's end (a deal that skipped
--     the next stage reached it)
--   conversion: reached_next / entered
--   left: of them, those that left the stage (a later stage, a win or a loss) before the window's end
--   median_days_in_stage: median calendar days from entering the stage to leaving it, among those that left (a later
--     stage recorded before the entry gives no duration)
WITH deals AS (
  SELECT opportunity_id, is_won, is_closed, closed_at FROM opportunity_facts
  WHERE in_scope(region, segment, $region, $segment)
),
stages AS (SELECT * FROM deal_stage_order()),
entries AS (
  SELECT e.opportunity_id, s.stage_order, e.entered_at, d.is_won, d.is_closed, d.closed_at
  FROM deal_stage_entries() e JOIN stages s ON s.stage_key = e.stage_key
  JOIN deals d ON d.opportunity_id = e.opportunity_id
),
steps AS (
  SELECT *, min(entered_at) OVER (PARTITION BY opportunity_id ORDER BY stage_order
                                  ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_at
  FROM entries
),
left_stage AS (
  SELECT *, CASE WHEN next_at < $window_end THEN next_at
                 WHEN is_closed AND closed_at < $window_end THEN closed_at END AS left_at
  FROM steps WHERE entered_at >= $window_start AND entered_at < $window_end
),
final AS (
  SELECT s.stage_order, s.stage,
         coalesce(lead(s.stage) OVER (ORDER BY s.stage_order), 'Won') AS next_stage,
         count(l.opportunity_id) AS entered,
         count(l.opportunity_id) FILTER (WHERE l.next_at < $window_end
                                          OR (l.is_won AND l.closed_at < $window_end)) AS reached_next,
         reached_next / nullif(entered, 0) AS conversion,
         count(l.left_at) AS "left",
         median(days_between(l.entered_at, l.left_at, $time_zone)) AS median_days_in_stage
  FROM stages s LEFT JOIN left_stage l ON l.stage_order = s.stage_order
  GROUP BY s.stage_order, s.stage
)
SELECT * FROM final ORDER BY stage_order
