-- name: canon_sales_activities
-- title: Sales activities: the canonical file's rows, then every Task and Event on a person
-- reads: stage_sales_activities, stage_sf_activities, person_ids
-- writes: canon_sales_activities
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   activity_id: the task or event
--   person_id: the person it was on (a converted lead's activity is its contact's)
--   occurred_at: the first of completed, activity, created and activity date (DESIGN §4.8)
--   type: the activity's type, else its subtype
--   owner_id: who did it
SELECT * FROM stage_sales_activities
UNION ALL BY NAME
SELECT a._file, a._row, a.activity_id, coalesce(p.person_id, a.who_id) AS person_id,
       coalesce(a.completed_at, a.activity_at, a.created_at, CAST(a.activity_date AS TIMESTAMP)) AS occurred_at,
       coalesce(a.type, a.subtype) AS type, a.owner_id
FROM stage_sf_activities a LEFT JOIN person_ids p ON p.source_id = a.who_id
