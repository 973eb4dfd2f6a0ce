-- name: touches_between
-- title: How many of a person's responded-touch times (a list, precomputed at import) fall in [from_at, to_at]
-- arguments: touch_times, from_at, to_at
-- returns: scalar
-- reads:
-- columns:
coalesce(len(list_filter(touch_times, lambda touch_at: touch_at >= from_at AND touch_at <= to_at)), 0)
