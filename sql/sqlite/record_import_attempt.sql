-- name: record_import_attempt
-- title: Append one import attempt to the history (SQLite)
-- reads:
-- writes: imports
-- parameters: started_at, finished_at, user, format, status, files, tables, messages
-- columns:
--   started_at: when it started
--   finished_at: when it finished
--   user: who ran it
--   format: the export's format
--   status: loaded or refused
--   files: JSON of the files read
--   tables: JSON of the rows per table
--   messages: JSON of the warnings or errors
INSERT INTO imports (started_at, finished_at, user, format, status, files, tables, messages)
VALUES ($started_at, $finished_at, $user, $format, $status, $files, $tables, $messages)
