-- name: funnel_period
-- title: Waterfall, period view
-- definition: How many people reached each funnel stage during the quarter, how that compares with the stage
--   before (a flow ratio, not a conversion rate), how long the step took, and the deal value at the opportunity
--   and won stages.
-- unit: count
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row per stage (and split value, when split) for a quarter with at least one person at some stage;
--   when no people were loaded, the stage counts per period stand in for them (a row counts in the quarter its
--   period starts in)
-- kind: breakdown
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day, region, segment, backfill, split,
--   source_names, source_categories, time_zone
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   split_value: the value of the split dimension ('(all)' without a split; '(none)' when a person or deal has none;
--     stage counts have no channel)
--   stage_order: 1 (inquiry) to 6 (won)
--   stage: inquiry, mql, sal, sql, opportunity or won
--   people: people whose (back-filled, under that policy) stage date is in the quarter (volume); without people, the
--     sum of the stage counts whose period starts in the quarter
--   ratio: people / people of the stage before, a flow ratio (empty for inquiry or when the stage before has none)
--   ratio_label: 'flow ratio' (people reaching the two stages in one quarter are mostly different people)
--   velocity_days: median days from the stage before to this one, among people reaching this one in the quarter
--     (empty from stage counts, which have no dates per person)
--   value: pipeline (amount of deals created in the quarter) at opportunity, bookings at won, empty elsewhere
WITH people_in_scope AS (
  SELECT * FROM funnel_people($backfill, $split, $source_names, $source_categories, $region, $segment)
),
stage_dates AS (
  SELECT split_value, 1 AS stage_order, 'inquiry' AS stage, inquiry_at AS reached_at,
         NULL::TIMESTAMP AS previous_at FROM people_in_scope
  UNION ALL SELECT split_value, 2, 'mql', mql_at, inquiry_at FROM people_in_scope
  UNION ALL SELECT split_value, 3, 'sal', sal_at, mql_at FROM people_in_scope
  UNION ALL SELECT split_value, 4, 'sql', sql_at, sal_at FROM people_in_scope
  UNION ALL SELECT split_value, 5, 'opportunity', opportunity_at, sql_at FROM people_in_scope
  UNION ALL SELECT split_value, 6, 'won', won_at, opportunity_at FROM people_in_scope
),
people_counts AS (
  SELECT split_value, stage_order, stage,
         count(*) FILTER (WHERE reached_at >= $quarter_start AND reached_at < $quarter_end) AS people,
         median(days_between(previous_at, reached_at, $time_zone))
           FILTER (WHERE reached_at >= $quarter_start AND reached_at < $quarter_end AND previous_at IS NOT NULL)
           AS velocity_days
  FROM stage_dates GROUP BY split_value, stage_order, stage
),
-- Counts without ids stand in only when no people were loaded: with both, the people would be counted twice.
counted AS (
  SELECT split_value($split, lead_source, NULL, segment, region, $source_names, $source_categories) AS split_value,
         stage, CAST(sum(count) AS BIGINT) AS people
  FROM stage_counts
  WHERE period_start >= $quarter_first_day AND period_start < $quarter_end_day
    AND in_scope(region, segment, $region, $segment) AND NOT EXISTS (SELECT 1 FROM people)
  GROUP BY ALL
),
stages AS (
  SELECT * FROM (VALUES (1, 'inquiry'), (2, 'mql'), (3, 'sal'), (4, 'sql'), (5, 'opportunity'), (6, 'won'))
    AS stages(stage_order, stage)
),
stage_totals AS (
  SELECT * FROM people_counts
  UNION ALL
  SELECT v.split_value, s.stage_order, s.stage, coalesce(c.people, 0), NULL
  FROM (SELECT DISTINCT split_value FROM counted) v CROSS JOIN stages s
  LEFT JOIN counted c ON c.split_value = v.split_value AND c.stage = s.stage
),
deals_in_scope AS (
  SELECT * FROM funnel_deals_in_scope($split, $source_names, $source_categories, $region, $segment)
),
deal_values AS (
  SELECT split_value, 'opportunity' AS stage,
         sum(amount) FILTER (WHERE created_at >= $quarter_start AND created_at < $quarter_end) AS value
  FROM deals_in_scope GROUP BY split_value
  UNION ALL
  SELECT split_value, 'won',
         sum(closed_amount) FILTER (WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end)
  FROM deals_in_scope GROUP BY split_value
),
final AS (
  SELECT s.split_value, s.stage_order, s.stage, s.people,
         s.people / nullif(lag(s.people) OVER (PARTITION BY s.split_value ORDER BY s.stage_order), 0) AS ratio,
         CASE WHEN s.stage_order > 1 THEN 'flow ratio' END AS ratio_label, s.velocity_days,
         CASE WHEN s.stage IN ('opportunity', 'won') THEN coalesce(v.value, 0) END AS value
  FROM stage_totals s LEFT JOIN deal_values v ON v.split_value = s.split_value AND v.stage = s.stage
  QUALIFY sum(s.people) OVER (PARTITION BY s.split_value) > 0
  ORDER BY s.split_value, s.stage_order
)
SELECT * FROM final
