-- name: ledger_no_update
-- title: Refuse an update of the ledger through the application's own connections (the ledger's check still catches
--   edits made with this trigger dropped)
-- reads:
-- writes: ledger
-- parameters:
-- columns:
--   record_id: no record is updated: the statement is refused
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'the sign-off ledger is append-only'); END
