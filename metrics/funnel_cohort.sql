-- name: funnel_cohort
-- title: Waterfall, cohort view
-- definition: Of the people who entered the funnel in the quarter, how many have reached each stage so far, the
--   conversion from the stage before, the median days the step took, and the value of their deals.
-- unit: count
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row per stage (and split value, when split) for a quarter with at least one inquiry
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, split, source_names, source_categories,
--   time_zone
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   split_value: the value of the split dimension ('(all)' without a split; '(none)' when a person or deal has none)
--   stage_order: 1 (inquiry) to 6 (won)
--   stage: inquiry, mql, sal, sql, opportunity or won
--   people: people created in the quarter who have reached the stage by the data's as-of date (volume)
--   ratio: people / people of the stage before, the conversion (empty for inquiry or when the stage before has none)
--   ratio_label: 'conversion'
--   velocity_days: median days from the stage before to this one, among cohort people who reached both
--   value: amount of the distinct deals linked to the cohort's people at opportunity, of the won ones at won
WITH people_in_scope AS (
  SELECT * FROM funnel_people($backfill, $split, $source_names, $source_categories, $region, $segment)
),
cohort AS (
  SELECT * FROM people_in_scope WHERE inquiry_at >= $quarter_start AND inquiry_at < $quarter_end
),
stage_dates AS (
  SELECT split_value, 1 AS stage_order, 'inquiry' AS stage, inquiry_at AS reached_at,
         NULL::TIMESTAMP AS previous_at FROM cohort
  UNION ALL SELECT split_value, 2, 'mql', mql_at, inquiry_at FROM cohort
  UNION ALL SELECT split_value, 3, 'sal', sal_at, mql_at FROM cohort
  UNION ALL SELECT split_value, 4, 'sql', sql_at, sal_at FROM cohort
  UNION ALL SELECT split_value, 5, 'opportunity', opportunity_at, sql_at FROM cohort
  UNION ALL SELECT split_value, 6, 'won', won_at, opportunity_at FROM cohort
),
stage_counts AS (
  SELECT split_value, stage_order, stage, count(reached_at) AS people,
         median(days_between(previous_at, reached_at, $time_zone))
           FILTER (WHERE reached_at IS NOT NULL AND previous_at IS NOT NULL) AS velocity_days
  FROM stage_dates GROUP BY split_value, stage_order, stage
),
cohort_deals AS (
  SELECT DISTINCT c.split_value, d.opportunity_id, d.amount, d.closed_amount,
                  d.is_won AND d.closed_at IS NOT NULL AS is_won
  FROM cohort c JOIN person_deals pd ON pd.person_id = c.person_id
  JOIN deals() d ON d.opportunity_id = pd.opportunity_id
),
deal_values AS (
  SELECT split_value, 'opportunity' AS stage, sum(amount) AS value FROM cohort_deals GROUP BY split_value
  UNION ALL
  SELECT split_value, 'won', sum(closed_amount) FILTER (WHERE is_won) FROM cohort_deals GROUP BY split_value
),
final AS (
  SELECT s.split_value, s.stage_order, s.stage, s.people,
         s.people / nullif(lag(s.people) OVER (PARTITION BY s.split_value ORDER BY s.stage_order), 0) AS ratio,
         CASE WHEN s.stage_order > 1 THEN 'conversion' END AS ratio_label, s.velocity_days,
         CASE WHEN s.stage IN ('opportunity', 'won') THEN coalesce(v.value, 0) END AS value
  FROM stage_counts s LEFT JOIN deal_values v ON v.split_value = s.split_value AND v.stage = s.stage
  QUALIFY sum(s.people) OVER (PARTITION BY s.split_value) > 0
  ORDER BY s.split_value, s.stage_order
)
SELECT * FROM final
