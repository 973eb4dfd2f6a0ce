-- name: utc_timestamp
-- title: An instant's wall time in UTC: TRY_CAST(tz AS TIMESTAMP), computed faster
-- arguments: tz
-- returns: scalar
-- reads:
-- columns:
-- For the years 1900–9999 the wall time in UTC is the instant's microseconds since 1970 as they are, without the
-- calendar arithmetic of the cast.
CASE WHEN tz >= TIMESTAMPTZ '1900-01-01 00:00:00+00' AND tz < TIMESTAMPTZ '10000-01-01 00:00:00+00'
     THEN make_timestamp(epoch_us(tz)) ELSE TRY_CAST(tz AS TIMESTAMP) END
