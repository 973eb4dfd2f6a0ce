-- name: format_version
-- title: The format a warehouse file was written in (warehouse.FORMAT_VERSION when it was written)
-- reads: _format
-- writes:
-- parameters:
-- columns:
--   version: the version
SELECT max(version) AS version FROM _format
