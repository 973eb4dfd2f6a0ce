-- name: import_record_table
-- title: The table recording the import a warehouse file was made by (one row)
-- reads:
-- writes: _import
-- parameters:
-- columns:
--   imported_at: when the import ran (UTC)
--   imported_by: who ran it
--   source_format: salesforce, hubspot or mapping (demo for the demo company)
--   data_fingerprint: a fingerprint of the files' content
--   latest_record_at: the latest moment any record describes: the data's "as of" for cohorts and freshness
--   warnings: what the import warned about
--   demo_mark: set only by the demo builder (alignment.demo), an authentication of the data fingerprint under the
--     server key; every other import leaves it empty, whoever runs it
CREATE TABLE _import (
  imported_at TIMESTAMP, imported_by VARCHAR, source_format VARCHAR, data_fingerprint VARCHAR,
  latest_record_at TIMESTAMP, warnings VARCHAR[], demo_mark VARCHAR)
