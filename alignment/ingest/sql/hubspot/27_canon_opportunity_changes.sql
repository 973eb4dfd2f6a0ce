-- name: canon_opportunity_changes
-- title: Close dates, amounts and stages as recorded: the canonical file's rows, then each change of a deal's
--   closedate, amount or dealstage property (its new value at its moment)
-- reads: stage_opportunity_changes, stage_hs_deal_changes, hs_deal_ids, hs_stage_keys
-- writes: canon_opportunity_changes
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   opportunity_id: the deal (a merged deal's changes are the deal's it was merged into)
--   changed_at: when the property was set (timestamp)
--   close_date: the close date set (an ISO date or time, or milliseconds since 1970), empty for another property
--   amount: the amount set, in the deal's currency, empty for another property
--   stage: the stage's label, empty for another property
WITH changes AS (
    SELECT c._file, c._row, i.opportunity_id, c.changed_at, lower(c.property) AS property, c.value
    FROM stage_hs_deal_changes c JOIN hs_deal_ids i ON i.source_id = c.object_id
    WHERE lower(c.property) IN ('closedate', 'amount', 'dealstage') AND c.changed_at IS NOT NULL
      AND nullif(trim(c.value), '') IS NOT NULL
),
read AS (
    SELECT c._file, c._row, c.opportunity_id, c.changed_at,
           CASE WHEN c.property = 'closedate'
                THEN CAST(coalesce(parse_iso_timestamp(c.value), parse_epoch_ms(c.value)) AS DATE) END AS close_date,
           CASE WHEN c.property = 'amount' THEN parse_number(c.value, false) END AS amount,
           CASE WHEN c.property = 'dealstage' THEN coalesce(st.label, c.value) END AS stage
    FROM changes c LEFT JOIN hs_stage_keys st ON c.property = 'dealstage' AND st.key = lower(c.value)
)
SELECT * FROM stage_opportunity_changes
UNION ALL BY NAME
-- A value that reads as no date or number is left out (audits/deal_history_values_not_read says where).
SELECT * FROM read WHERE close_date IS NOT NULL OR amount IS NOT NULL OR stage IS NOT NULL
