-- name: in_scope
-- title: Whether a record whose account has this region and segment passes the filters (a NULL filter passes all)
-- arguments: record_region, record_segment, wanted_region, wanted_segment
-- returns: scalar
-- reads:
-- columns:
(wanted_region IS NULL OR record_region = wanted_region)
AND (wanted_segment IS NULL OR record_segment = wanted_segment)
