-- name: stages_out_of_order
-- title: Stages reached out of order
-- description: A stage recorded before the one that must come first (an MQL before the person existed, a SAL before
--    the MQL, a deal opened before the lead converted into it existed, closed before opened): the durations between
--    them are left out, never shown below zero.
-- severity: warning
-- reads: person_stage_dates, people, opportunities
-- import_warning:
-- columns:
--   record_id: the person or deal
--   problem: which two stages are out of order
--   earlier_stage_at: when the stage that must come first was recorded
--   later_stage_at: when the stage after it was recorded, earlier
WITH dates AS (
  SELECT person_id, inquiry_at, mql_recorded_at, sal_recorded_at, sql_recorded_at
  FROM person_stage_dates),
pairs AS (
  SELECT person_id AS record_id, 'MQL before the person was created' AS problem,
         inquiry_at AS earlier_stage_at, mql_recorded_at AS later_stage_at FROM dates
  UNION ALL SELECT person_id, 'SAL before the MQL', mql_recorded_at, sal_recorded_at FROM dates
  UNION ALL SELECT person_id, 'SQL before the SAL', sal_recorded_at, sql_recorded_at FROM dates
  UNION ALL SELECT o.opportunity_id, 'deal opened before the lead converted into it was created',
         p.created_at, o.created_at
  FROM people p JOIN opportunities o ON o.opportunity_id = p.converted_opportunity_id
  UNION ALL SELECT opportunity_id, 'deal closed before it was opened', created_at,
         CAST(close_date AS TIMESTAMP)
  FROM opportunities WHERE is_closed)
SELECT * FROM pairs WHERE CAST(later_stage_at AS DATE) < CAST(earlier_stage_at AS DATE)
