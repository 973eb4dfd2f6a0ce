-- name: canon_opportunity_changes
-- title: Close dates, amounts and stages as recorded: the canonical file's rows; each OpportunityHistory row (its
--   close date, amount and stage at its moment); each OpportunityFieldHistory change of CloseDate, Amount or StageName
--   (the new value at its moment, and the old value of a field's first change at the deal's creation)
-- reads: stage_opportunity_changes, stage_sf_stage_changes, stage_opportunities
-- writes: canon_opportunity_changes
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   opportunity_id: the deal
--   changed_at: when the values were recorded (CreatedDate, _fivetran_start; the deal's creation for an old value)
--   close_date: the close date then (CloseDate, or a field history's value), empty when the row does not say
--   amount: the amount then, in the deal's currency, empty when the row does not say
--   stage: the stage then, empty when the row does not say
WITH fields AS (
    SELECT _file, _row, opportunity_id, entered_at, lower(field) AS field, new_value, old_value,
           row_number() OVER (PARTITION BY opportunity_id, lower(field) ORDER BY entered_at, _row) AS nth
    FROM stage_sf_stage_changes
    WHERE lower(field) IN ('closedate', 'amount', 'stagename')
),
values_of AS (
    SELECT f._file, f._row, f.opportunity_id, f.entered_at AS changed_at, f.field, f.new_value AS value
    FROM fields f
    UNION ALL
    SELECT f._file, f._row, f.opportunity_id, o.created_at, f.field, f.old_value
    FROM fields f JOIN stage_opportunities o ON o.opportunity_id = f.opportunity_id
    WHERE f.nth = 1 AND f.old_value IS NOT NULL AND o.created_at < f.entered_at
)
SELECT * FROM stage_opportunity_changes
UNION ALL BY NAME
SELECT _file, _row, opportunity_id, entered_at AS changed_at, close_date, amount, stage
FROM stage_sf_stage_changes
WHERE field IS NULL AND (close_date IS NOT NULL OR amount IS NOT NULL OR stage IS NOT NULL)
UNION ALL BY NAME
SELECT * FROM (
    SELECT _file, _row, opportunity_id, changed_at,
           CASE WHEN field = 'closedate' THEN CAST(parse_iso_timestamp(value) AS DATE) END AS close_date,
           CASE WHEN field = 'amount' THEN parse_number(value, false) END AS amount,
           CASE WHEN field = 'stagename' THEN nullif(trim(value), '') END AS stage
    FROM values_of)
-- A value that reads as no date or number is left out, as an empty one is.
WHERE close_date IS NOT NULL OR amount IS NOT NULL OR stage IS NOT NULL
