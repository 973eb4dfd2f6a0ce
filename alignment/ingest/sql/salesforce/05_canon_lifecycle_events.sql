-- name: canon_lifecycle_events
-- title: Lifecycle events: the canonical file's rows, then one per lifecycle date of a Salesforce person
-- reads: stage_lifecycle_events, person_dates
-- writes: canon_lifecycle_events
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   person_id: the person
--   stage: mql, sal, sql, rejected, disqualified or recycled
--   occurred_at: the date the person reached it
--   reason: the rejection's or disqualification's reason
--   actor_id: who made the change (Salesforce's lifecycle fields do not say)
SELECT * FROM stage_lifecycle_events
UNION ALL BY NAME
SELECT _file, _row, person_id, stage, occurred_at,
       CASE stage WHEN 'rejected' THEN rejection_reason
                  WHEN 'disqualified' THEN disqualification_reason END AS reason,
       NULL::VARCHAR AS actor_id
FROM (SELECT _file, _row, person_id, rejection_reason, disqualification_reason,
             mql_at AS mql, sal_at AS sal, sql_at AS sql, rejected_at AS rejected,
             disqualified_at AS disqualified, recycled_at AS recycled FROM person_dates)
UNPIVOT (occurred_at FOR stage IN (mql, sal, sql, rejected, disqualified, recycled))
