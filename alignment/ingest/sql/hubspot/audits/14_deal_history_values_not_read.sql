-- name: deal_history_values_not_read
-- title: is not a date (closedate: an ISO date or time, or milliseconds since 1970) or not a number (amount); the
--   change was left out of the close-date and amount history
-- description: A closedate or amount property change whose value reads as neither.
-- severity: warning
-- reads: stage_hs_deal_changes
-- import_warning:
-- columns:
--   _file: the file the change came from
--   _row: its spreadsheet row
--   value: the value as written
SELECT _file, _row, value FROM stage_hs_deal_changes
WHERE nullif(trim(value), '') IS NOT NULL AND changed_at IS NOT NULL
  AND ((lower(property) = 'closedate' AND parse_iso_timestamp(value) IS NULL AND parse_epoch_ms(value) IS NULL)
       OR (lower(property) = 'amount' AND parse_number(value, false) IS NULL))
ORDER BY _file, _row
