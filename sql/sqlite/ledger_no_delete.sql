-- name: ledger_no_delete
-- title: Refuse a deletion from the ledger through the application's own connections
-- reads:
-- writes: ledger
-- parameters:
-- columns:
--   record_id: no record is deleted: the statement is refused
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the sign-off ledger is append-only'); END
