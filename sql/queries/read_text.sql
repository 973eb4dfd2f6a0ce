-- name: read_text
-- title: A small text file's content, read through DuckDB (a local path or an object-store URL alike): the lake's
--   manifest
-- reads:
-- writes:
-- parameters: path
-- columns:
--   content: the file's text
SELECT content FROM read_text($path)
