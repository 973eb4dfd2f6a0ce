-- name: ledger_table
-- title: The sign-off ledger (SQLite, beside the warehouse): each quarter's records, hash-chained, appended only
-- reads:
-- writes: ledger
-- parameters:
-- columns:
--   record_id: the record's number in the file
--   quarter: its quarter
--   position: 1, 2, … within the quarter's chain
--   kind: charter, propose, sign or reopen
--   recorded_at: when (UTC, ISO 8601)
--   user: who
--   role: their role
--   comment: what they wrote
--   payload: canonical JSON
--   previous_hash: the hash of the quarter's record before this one (GENESIS for the first)
--   hash: SHA-256 over the canonical JSON of every field above but record_id
--   mac: HMAC-SHA256 of the hash under the server key (files alone cannot make it)
CREATE TABLE IF NOT EXISTS ledger (
  record_id INTEGER PRIMARY KEY AUTOINCREMENT,
  quarter TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  user TEXT NOT NULL,
  role TEXT NOT NULL,
  comment TEXT NOT NULL,
  payload TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  mac TEXT,
  UNIQUE (quarter, position))
