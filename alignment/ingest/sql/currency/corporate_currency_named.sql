-- name: corporate_currency_named
-- title: The currencies the loaded rates name as the corporate one (IsCorporate), with a row of each
-- reads: canon_currency_rates
-- writes:
-- parameters:
-- columns:
--   currency: a currency marked corporate
--   file: the file of its first such row
--   row: that row
--   rate: its rate there
SELECT upper(trim(currency)) AS currency, arg_min(_file, (_file, _row)) AS file, min(_row) AS row,
       arg_min(rate, (_file, _row)) AS rate
FROM canon_currency_rates WHERE is_corporate
GROUP BY upper(trim(currency)) ORDER BY 1
