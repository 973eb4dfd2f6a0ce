-- name: canon_lifecycle_events
-- title: Lifecycle events: the mapped file's rows, then one per lifecycle date a people file holds
-- reads: stage_lifecycle_events, stage_map_people
-- writes: canon_lifecycle_events
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   person_id: the person
--   stage: the stage reached
--   occurred_at: when
--   reason: the reason the people file gives with it
--   actor_id: who made the change (only a lifecycle events file says)
SELECT * FROM stage_lifecycle_events
UNION ALL BY NAME SELECT _file, _row, person_id, 'inquiry' AS stage, inquiry_at AS occurred_at,
                         inquiry_reason AS reason FROM stage_map_people WHERE inquiry_at IS NOT NULL
UNION ALL BY NAME SELECT _file, _row, person_id, 'mql' AS stage, mql_at AS occurred_at,
                         mql_reason AS reason FROM stage_map_people WHERE mql_at IS NOT NULL
UNION ALL BY NAME SELECT _file, _row, person_id, 'sal' AS stage, sal_at AS occurred_at,
                         sal_reason AS reason FROM stage_map_people WHERE sal_at IS NOT NULL
UNION ALL BY NAME SELECT _file, _row, person_id, 'sql' AS stage, sql_at AS occurred_at,
                         sql_reason AS reason FROM stage_map_people WHERE sql_at IS NOT NULL
UNION ALL BY NAME SELECT _file, _row, person_id, 'rejected' AS stage, rejected_at AS occurred_at,
                         rejected_reason AS reason FROM stage_map_people WHERE rejected_at IS NOT NULL
UNION ALL BY NAME SELECT _file, _row, person_id, 'disqualified' AS stage, disqualified_at AS occurred_at,
                         disqualified_reason AS reason FROM stage_map_people WHERE disqualified_at IS NOT NULL
UNION ALL BY NAME SELECT _file, _row, person_id, 'recycled' AS stage, recycled_at AS occurred_at,
                         recycled_reason AS reason FROM stage_map_people WHERE recycled_at IS NOT NULL
