-- name: parse_epoch_ms
-- title: Milliseconds since 1970 (11 to 13 digits) as a timestamp, else NULL
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
CASE WHEN regexp_full_match(s, '\d{11,13}') THEN make_timestamp(TRY_CAST(s AS BIGINT) * 1000) END
