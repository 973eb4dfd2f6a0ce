-- name: parse_iso_timestamp
-- title: An ISO 8601 date or date-time (with or without an offset) as a UTC timestamp, else NULL
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
TRY_CAST(TRY_CAST(iso_text(s) AS TIMESTAMPTZ) AS TIMESTAMP)
