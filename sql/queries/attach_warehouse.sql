-- name: attach_warehouse
-- title: Attach a warehouse file, read-only, to a reader's in-memory database (so that reopening the path after an
--   import swapped the file reads the new one)
-- reads:
-- writes: warehouse
-- parameters: path
-- columns:
--   warehouse: the file's tables, as the database `warehouse`
ATTACH $path AS warehouse (READ_ONLY)
