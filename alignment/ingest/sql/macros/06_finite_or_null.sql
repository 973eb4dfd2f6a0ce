-- name: finite_or_null
-- title: A number, or NULL for NaN and the infinities
-- arguments: x
-- returns: scalar
-- reads:
-- columns:
CASE WHEN isfinite(x) THEN x END
