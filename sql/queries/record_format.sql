-- name: record_format
-- title: Record the format the derived tables were written in
-- reads:
-- writes: _format
-- parameters: version
-- columns:
--   version: warehouse.FORMAT_VERSION
CREATE OR REPLACE TABLE _format AS SELECT $version AS version
