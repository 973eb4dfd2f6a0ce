-- name: money_digits
-- title: Money text's digits and marks, without a final K, M or B
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
CASE WHEN right(money_body(s), 1) IN ('K', 'M', 'B') THEN left(money_body(s), length(money_body(s)) - 1)
     ELSE money_body(s) END
