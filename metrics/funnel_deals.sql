-- name: funnel_deals
-- title: Deal-stage funnel
-- definition: How many deals reached each of their stages, open stages first and then won and lost, both for the
--   deals created in the quarter (cohort) and for the deals entering each stage during it (period), with the
--   conversion from the stage before, the median days the step took and the deals' value.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row per view (cohort, period), deal stage (and split value, when split) for a quarter with at least one
--   deal counted in that view; from the stage history when any was loaded, else from each deal's current stage
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, split, source_names, source_categories,
--   time_zone
-- needs: opportunities
-- uses:
-- measures:
-- records:
-- columns:
--   view: 'cohort' (the deals created in the quarter, followed to the data's as-of date) or 'period' (the deals
--     entering each stage during the quarter, whenever they were created)
--   split_value: the value of the split dimension ('(all)' without a split; '(none)' when a deal has none)
--   stage_order: the open stages first, 1, 2, … in the order the stage history shows (each stage's median position
--     among the stages a deal entered, by first entry; ties by mean position, then name), then won, then lost;
--     without stage history the open stages by name (their order is not known)
--   stage: the stage as the stage history (else the deal's current stage) writes it, 'won' or 'lost'; names that
--     differ only in case, spaces, hyphens or underscores are one stage; a deal is won or lost by its is_won and
--     is_closed flags, never by a stage name, so stages that closed deals stand at are the won and lost rows, not
--     open stages
--   outcome: 'open', 'won' or 'lost'
--   deals: cohort: deals that have reached the stage by the as-of date; period: deals that reached it during the
--     quarter (won and lost: at the close date). A deal that skipped a stage counts, under the back-fill policy, as
--     having passed it at the date of the next stage it reached, and a won deal as having passed every open stage
--     (as the people waterfall back-fills); under the strict policy only stages entered count. Without stage
--     history: deals now at the stage (cohort) and, in the period view, only won and lost
--   ratio: deals / deals of the stage before (won: of the last open stage), the conversion (cohort) or a flow ratio
--     (period); at lost, lost / (won + lost), the loss rate; empty without stage history, for the first stage or
--     when the stage before has none
--   ratio_label: 'conversion', 'flow ratio' or 'loss rate' (empty for the first stage and without stage history)
--   velocity_days: median calendar days from reaching the stage before to reaching this one (won and lost: from the
--     last open stage the deal reached to its close date), among the deals counted here with both dates; a history
--     row dated before the stage it follows gives no duration, never one below 0; empty without stage history
--   value: amount of the deals counted here (their current amount, in the corporate currency: at an open stage at the
--     rate it counts as pipeline, at won and lost at the rate it counts as closed)
--   counted_from: 'stage history' or 'current stage'
WITH deals_in_scope AS (
  SELECT * FROM funnel_deals_in_scope($split, $source_names, $source_categories, $region, $segment)
),
history_loaded AS (
  SELECT EXISTS (SELECT 1 FROM opportunity_stage_history) AS has_history
),
entries AS (
  SELECT * FROM deal_stage_entries()
),
history_stages AS (
  SELECT * FROM deal_stage_order()
),
current_stages AS (
  SELECT name_key(coalesce(stage, '(no stage)')) AS stage_key, min(trim(coalesce(stage, '(no stage)'))) AS stage,
         row_number() OVER (ORDER BY name_key(coalesce(stage, '(no stage)'))) AS stage_order
  FROM opportunities WHERE NOT (is_closed OR is_won) AND NOT (SELECT has_history FROM history_loaded)
  GROUP BY name_key(coalesce(stage, '(no stage)'))
),
open_stages AS (
  SELECT * FROM history_stages UNION ALL SELECT * FROM current_stages
),
-- Every deal at every open stage: when it entered it (recorded), and whether and when it passed it.
open_grid AS (
  SELECT d.opportunity_id, d.split_value, d.created_at, d.amount, d.is_won, d.closed_at, h.has_history,
         s.stage_order, s.stage, e.entered_at AS recorded_at,
         name_key(coalesce(o.stage, '(no stage)')) = s.stage_key AND NOT (d.is_closed OR d.is_won) AS is_current
  FROM deals_in_scope d CROSS JOIN open_stages s CROSS JOIN history_loaded h
  JOIN opportunities o ON o.opportunity_id = d.opportunity_id
  LEFT JOIN entries e ON e.opportunity_id = d.opportunity_id AND e.stage_key = s.stage_key
),
open_reached AS (
  SELECT *,
         CASE WHEN has_history THEN recorded_at IS NOT NULL
                                    OR ($backfill AND (is_won OR count(recorded_at) OVER later > 0))
              ELSE is_current END AS has_reached,
         CASE WHEN recorded_at IS NOT NULL OR NOT $backfill THEN recorded_at
              ELSE coalesce(first_value(recorded_at IGNORE NULLS) OVER later, CASE WHEN is_won THEN closed_at END)
              END AS reached_at
  FROM open_grid
  WINDOW later AS (PARTITION BY opportunity_id ORDER BY stage_order ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
),
open_steps AS (
  SELECT opportunity_id, split_value, created_at, amount, stage_order, stage, 'open' AS outcome, has_reached,
         CASE WHEN has_reached THEN reached_at END AS reached_at,
         lag(CASE WHEN has_reached THEN reached_at END) OVER (PARTITION BY opportunity_id ORDER BY stage_order)
           AS previous_at
  FROM open_reached
),
last_open AS (
  SELECT opportunity_id, arg_max(reached_at, stage_order) FILTER (WHERE has_reached) AS last_open_at
  FROM open_steps GROUP BY opportunity_id
),
closing_grid AS (
  SELECT d.opportunity_id, d.split_value, d.created_at, d.closed_amount AS amount, d.closed_at,
         (SELECT count(*) FROM open_stages) + CASE WHEN outcome.name = 'won' THEN 1 ELSE 2 END AS stage_order,
         outcome.name AS stage, outcome.name AS outcome,
         CASE WHEN outcome.name = 'won' THEN d.is_won ELSE d.is_closed AND NOT d.is_won END AS has_reached,
         l.last_open_at AS previous_at
  FROM deals_in_scope d CROSS JOIN (VALUES ('won'), ('lost')) AS outcome(name)
  LEFT JOIN last_open l ON l.opportunity_id = d.opportunity_id
),
closing_steps AS (
  SELECT * EXCLUDE (closed_at), CASE WHEN has_reached THEN closed_at END AS reached_at FROM closing_grid
),
steps AS (
  SELECT * FROM open_steps UNION ALL BY NAME SELECT * FROM closing_steps
),
counted AS (
  SELECT 'cohort' AS view, split_value, stage_order, stage, outcome,
         count(*) FILTER (WHERE has_reached) AS deals,
         median(days_between(previous_at, reached_at, $time_zone)) FILTER (WHERE has_reached) AS velocity_days,
         coalesce(sum(amount) FILTER (WHERE has_reached), 0) AS value
  FROM steps WHERE created_at >= $quarter_start AND created_at < $quarter_end
  GROUP BY ALL
  UNION ALL
  SELECT 'period', split_value, stage_order, stage, outcome,
         count(*) FILTER (WHERE reached_at >= $quarter_start AND reached_at < $quarter_end),
         median(days_between(previous_at, reached_at, $time_zone))
           FILTER (WHERE reached_at >= $quarter_start AND reached_at < $quarter_end),
         coalesce(sum(amount) FILTER (WHERE reached_at >= $quarter_start AND reached_at < $quarter_end), 0)
  FROM steps
  GROUP BY ALL
),
ratios AS (
  SELECT *,
         CASE WHEN outcome = 'lost' THEN deals / nullif(deals + lag(deals) OVER stages_before, 0)
              WHEN stage_order > 1 THEN deals / nullif(lag(deals) OVER stages_before, 0) END AS step_ratio
  FROM counted
  WINDOW stages_before AS (PARTITION BY view, split_value ORDER BY stage_order)
),
final AS (
  SELECT view, split_value, stage_order, stage, outcome, deals,
         CASE WHEN h.has_history THEN step_ratio END AS ratio,
         CASE WHEN NOT h.has_history THEN NULL
              WHEN outcome = 'lost' THEN 'loss rate'
              WHEN stage_order > 1 THEN CASE view WHEN 'cohort' THEN 'conversion' ELSE 'flow ratio' END
              END AS ratio_label,
         CASE WHEN h.has_history THEN velocity_days END AS velocity_days, value,
         CASE WHEN h.has_history THEN 'stage history' ELSE 'current stage' END AS counted_from
  FROM ratios, history_loaded h
  WHERE h.has_history OR NOT (view = 'period' AND outcome = 'open')
  QUALIFY sum(deals) OVER (PARTITION BY view, split_value) > 0
  ORDER BY view, split_value, stage_order
)
SELECT * FROM final
