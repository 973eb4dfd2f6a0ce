-- name: parse_number
-- title: The finite number money or number text writes, else NULL
-- arguments: s, comma_decimal
-- returns: scalar
-- reads:
-- columns:
finite_or_null(read_number(s, comma_decimal))
