-- name: money_scale
-- title: What a final K, M or B multiplies an amount by (1,117.10K is 1,117,100)
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
CASE right(money_body(s), 1) WHEN 'K' THEN 1e3 WHEN 'M' THEN 1e6 WHEN 'B' THEN 1e9 ELSE 1 END
