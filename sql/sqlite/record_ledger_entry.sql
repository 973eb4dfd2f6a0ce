-- name: record_ledger_entry
-- title: Append one record to the ledger
-- reads:
-- writes: ledger
-- parameters: quarter, position, kind, recorded_at, user, role, comment, payload, previous_hash, hash, mac
-- columns:
--   quarter: its quarter
--   position: its place in the quarter's chain
--   kind: charter, propose, sign or reopen
--   recorded_at: when
--   user: who
--   role: their role
--   comment: what they wrote
--   payload: canonical JSON
--   previous_hash: the hash of the record before it
--   hash: its hash
--   mac: its authentication
INSERT INTO ledger (quarter, position, kind, recorded_at, user, role, comment, payload, previous_hash, hash, mac)
VALUES ($quarter, $position, $kind, $recorded_at, $user, $role, $comment, $payload, $previous_hash, $hash, $mac)
