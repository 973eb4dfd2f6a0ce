-- name: import_history_table
-- title: The import history (SQLite, beside the warehouse): every attempt, loaded or refused, appended
-- reads:
-- writes: imports
-- parameters:
-- columns:
--   import_id: the attempt's number
--   started_at: when it started (UTC, ISO 8601)
--   finished_at: when it finished
--   user: who ran it
--   format: the export's format
--   status: loaded or refused
--   files: JSON, [{file, rows, fingerprint, read_as, assumptions}]
--   tables: JSON, {table: rows}
--   messages: JSON, the warnings when loaded, the errors when refused
CREATE TABLE IF NOT EXISTS imports (
  import_id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  user TEXT NOT NULL,
  format TEXT NOT NULL,
  status TEXT NOT NULL,
  files TEXT NOT NULL,
  tables TEXT NOT NULL,
  messages TEXT NOT NULL
)
