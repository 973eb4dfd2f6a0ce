-- name: canon_lifecycle_events
-- title: Lifecycle events: the canonical file's rows, then the earliest date of each contact's stages
-- reads: stage_lifecycle_events, hs_stage_dates
-- writes: canon_lifecycle_events
-- parameters:
-- columns:
--   _file: the file of the earliest date
--   _row: its spreadsheet row
--   person_id: the person
--   stage: the canonical stage
--   occurred_at: the earliest date the contact reached it
--   reason: the reason given with it
--   actor_id: who made the change (not exported)
SELECT * FROM stage_lifecycle_events
UNION ALL BY NAME
SELECT arg_min(_file, occurred_at) AS _file, arg_min(_row, occurred_at) AS _row, person_id, stage,
       min(occurred_at) AS occurred_at, arg_min(reason, occurred_at) AS reason, NULL::VARCHAR AS actor_id
FROM hs_stage_dates GROUP BY person_id, stage
