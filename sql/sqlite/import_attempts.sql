-- name: import_attempts
-- title: The latest import attempts, newest first (SQLite)
-- reads: imports
-- writes:
-- parameters: limit
-- columns:
--   import_id: the attempt's number
--   started_at: when it started
--   finished_at: when it finished
--   user: who ran it
--   format: the export's format
--   status: loaded or refused
--   files: JSON of the files read
--   tables: JSON of the rows per table
--   messages: JSON of the warnings or errors
SELECT import_id, started_at, finished_at, user, format, status, files, tables, messages
FROM imports ORDER BY import_id DESC LIMIT $limit
