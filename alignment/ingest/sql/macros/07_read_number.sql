-- name: read_number
-- title: The number money or number text writes, with a decimal comma when comma_decimal
-- arguments: s, comma_decimal
-- returns: scalar
-- reads:
-- columns:
-- NaN and the infinities are read as what they are: staging refuses them by a rule of their own.
TRY_CAST(CASE WHEN comma_decimal THEN replace(replace(money_digits(s), '.', ''), ',', '.')
              ELSE replace(money_digits(s), ',', '') END AS DOUBLE) * money_scale(s) * money_sign(s)
