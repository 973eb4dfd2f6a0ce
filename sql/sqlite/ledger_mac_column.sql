-- name: ledger_mac_column
-- title: Give a ledger written before records were authenticated its mac column
-- reads:
-- writes: ledger
-- parameters:
-- columns:
--   mac: empty until the records are authenticated
ALTER TABLE ledger ADD COLUMN mac TEXT
