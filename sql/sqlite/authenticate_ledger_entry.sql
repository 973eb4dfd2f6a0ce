-- name: authenticate_ledger_entry
-- title: Authenticate a record written before records carried a MAC (once, by an administrator's decision, with the
--   no-update trigger dropped for it)
-- reads: ledger
-- writes: ledger
-- parameters: mac, record_id
-- columns:
--   mac: the record's authentication under the server key
UPDATE ledger SET mac = $mac WHERE record_id = $record_id
