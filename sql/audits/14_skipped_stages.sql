-- name: skipped_stages
-- title: People who skipped a lifecycle stage
-- description: They reached a later stage with no date for an earlier one; the stage policy back-fills (or not) the
--    missing date.
-- severity: info
-- reads: lifecycle_events
-- import_warning:
-- columns:
--   person_id: the person
--   has_mql: whether an MQL date is recorded
--   has_sal: whether a SAL date is recorded
--   has_sql: whether an SQL date is recorded
SELECT person_id,
       bool_or(stage = 'mql') AS has_mql, bool_or(stage = 'sal') AS has_sal,
       bool_or(stage = 'sql') AS has_sql
FROM lifecycle_events GROUP BY person_id
HAVING (bool_or(stage = 'sql') AND NOT bool_or(stage = 'sal'))
    OR (bool_or(stage IN ('sal', 'sql')) AND NOT bool_or(stage = 'mql'))
