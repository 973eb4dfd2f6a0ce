-- name: money_sign
-- title: -1 for an amount written in brackets, else 1
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
-- An accountant's negative is written in brackets: (1,200) is -1200 (which the amount rule then refuses).
CASE WHEN money_core(s) LIKE '(%)' THEN -1 ELSE 1 END
