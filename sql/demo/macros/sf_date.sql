-- name: sf_date
-- title: A day (days since 1970) as an ISO date
-- arguments: epoch_day
-- returns: scalar
-- reads:
-- columns:
CAST(DATE '1970-01-01' + CAST(epoch_day AS INTEGER) AS VARCHAR)
