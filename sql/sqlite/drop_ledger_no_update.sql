-- name: drop_ledger_no_update
-- title: Lift the no-update trigger for the one authenticating update (it is created again in the same transaction)
-- reads:
-- writes: ledger
-- parameters:
-- columns:
--   record_id: records may be updated until ledger_no_update is created again
DROP TRIGGER IF EXISTS ledger_no_update
