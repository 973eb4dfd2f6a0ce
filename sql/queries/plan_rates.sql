-- name: plan_rates
-- title: The reverse waterfall's trailing rates over a window of past quarters: each funnel stage's cohort
--   conversion to the stage after it (people stages, then deals), the average deal size, and each stage's lead time
--   to a won deal; conversions are counted as they stood at the window's end, and records that entered a stage
--   within that step's median days of the window's end are left out of its cohort (too young to have converted)
-- reads: person_stages, person_deals, deals, in_scope, days_between
-- writes:
-- parameters: window_start, window_end, region, segment, backfill, time_zone
-- columns:
--   stage_order: 1 (won deals) to 6 (inquiries), the order the waterfall works back in
--   stage: won_deals, opportunities, sqls, sals, mqls or inquiries
--   rate_kind: average_deal_size (won deals) or conversion (the share of the stage's cohort reaching the next one)
--   numerator: bookings of the deals won in the window (won_deals), else the cohort's records that reached the next
--     stage before the window's end (for SQLs: the distinct first deals they opened)
--   denominator: the deals won in the window (won_deals), else the records that entered the stage in the window,
--     the young ones left out
--   rate: numerator / denominator, empty when either is 0 (not measured: nothing won, nobody at the stage, or
--     nobody converted), never 0
--   young: records that entered the stage in the window but within the step's median days of its end (left out)
--   maturity_days: the step's median days from the stage to the next one, among the window's records that made it
--   lead_time_days: median days from entering the stage to the won deal, over the deals (people) won in the window
WITH stage_people AS (
  SELECT person_id, inquiry_at, mql_at, sal_at, sql_at, opportunity_at, won_at
  FROM person_stages($backfill) WHERE in_scope(region, segment, $region, $segment)
),
scoped_deals AS (
  SELECT opportunity_id, created_at, closed_at, is_won AND closed_at IS NOT NULL AS is_won, closed_amount
  FROM deals() WHERE in_scope(region, segment, $region, $segment)
),
first_deals AS (
  -- one deal stands for each person reaching opportunity, so a deal with several people on it counts once
  SELECT pd.person_id, arg_min(d.opportunity_id, (d.created_at, d.opportunity_id)) AS opportunity_id
  FROM person_deals pd JOIN deals() d ON d.opportunity_id = pd.opportunity_id GROUP BY pd.person_id
),
steps AS (
  SELECT 2 AS stage_order, 'opportunities' AS stage, created_at AS entered_at,
         CASE WHEN is_won THEN closed_at END AS next_at, opportunity_id AS next_key,
         CASE WHEN is_won THEN closed_at END AS won_at
  FROM scoped_deals
  UNION ALL
  SELECT 3, 'sqls', p.sql_at, p.opportunity_at, f.opportunity_id, p.won_at
  FROM stage_people p LEFT JOIN first_deals f ON f.person_id = p.person_id
  UNION ALL SELECT 4, 'sals', sal_at, sql_at, person_id, won_at FROM stage_people
  UNION ALL SELECT 5, 'mqls', mql_at, sal_at, person_id, won_at FROM stage_people
  UNION ALL SELECT 6, 'inquiries', inquiry_at, mql_at, person_id, won_at FROM stage_people
),
in_window AS (
  SELECT * FROM steps WHERE entered_at >= $window_start AND entered_at < $window_end
),
maturity AS (
  SELECT stage_order,
         CAST(ceil(median(days_between(entered_at, next_at, $time_zone))) AS INTEGER) AS maturity_days
  FROM in_window WHERE next_at < $window_end GROUP BY stage_order
),
lead_times AS (
  SELECT stage_order, median(days_between(entered_at, won_at, $time_zone)) AS lead_time_days
  FROM steps WHERE won_at >= $window_start AND won_at < $window_end AND entered_at IS NOT NULL
  GROUP BY stage_order
),
conversions AS (
  SELECT w.stage_order, any_value(w.stage) AS stage,
         count(DISTINCT w.next_key) FILTER (WHERE w.next_at < $window_end
           AND w.entered_at < $window_end - to_days(coalesce(m.maturity_days, 0))) AS numerator,
         count(*) FILTER (WHERE w.entered_at < $window_end - to_days(coalesce(m.maturity_days, 0))) AS denominator,
         count(*) FILTER (WHERE w.entered_at >= $window_end - to_days(coalesce(m.maturity_days, 0))) AS young
  FROM in_window w LEFT JOIN maturity m ON m.stage_order = w.stage_order
  GROUP BY w.stage_order
),
won_deals AS (
  SELECT 1 AS stage_order, 'won_deals' AS stage, 'average_deal_size' AS rate_kind,
         CAST(coalesce(sum(closed_amount), 0) AS DOUBLE) AS numerator, count(*) AS denominator, 0 AS young,
         CAST(NULL AS INTEGER) AS maturity_days, 0.0 AS lead_time_days
  FROM scoped_deals WHERE is_won AND closed_at >= $window_start AND closed_at < $window_end
),
stages AS (
  SELECT * FROM (VALUES (2, 'opportunities'), (3, 'sqls'), (4, 'sals'), (5, 'mqls'), (6, 'inquiries'))
    AS s(stage_order, stage)
),
final AS (
  SELECT * FROM won_deals
  UNION ALL
  SELECT s.stage_order, s.stage, 'conversion', CAST(coalesce(c.numerator, 0) AS DOUBLE), coalesce(c.denominator, 0),
         coalesce(c.young, 0), m.maturity_days, l.lead_time_days
  FROM stages s LEFT JOIN conversions c ON c.stage_order = s.stage_order
  LEFT JOIN maturity m ON m.stage_order = s.stage_order LEFT JOIN lead_times l ON l.stage_order = s.stage_order
)
SELECT stage_order, stage, rate_kind, numerator, denominator,
       CASE WHEN numerator > 0 THEN numerator / nullif(denominator, 0) END AS rate, young, maturity_days,
       lead_time_days
FROM final ORDER BY stage_order
