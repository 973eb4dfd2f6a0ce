-- name: money_body
-- title: Money text without its brackets
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
CASE WHEN money_core(s) LIKE '(%)' THEN money_core(s)[2:-2] ELSE money_core(s) END
