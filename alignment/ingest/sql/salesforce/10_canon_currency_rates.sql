-- name: canon_currency_rates
-- title: Currency rates: the rates file's rows, then Salesforce's dated rates (DatedConversionRate) and its undated
--   ones (CurrencyType), an undated rate holding until a currency's first dated one
-- reads: stage_currency_rates, stage_sf_dated_rates, stage_sf_currency_types
-- writes: canon_currency_rates
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   currency: the currency (IsoCode), upper-cased
--   start_date: the first day the rate holds (StartDate); the earliest day (1900-01-01) for CurrencyType's undated
--     rate, which holds until the currency's first dated one
--   rate: units of the currency per 1 unit of the corporate currency (ConversionRate)
--   is_corporate: whether it is the corporate currency (IsCorporate; CurrencyType only)
SELECT * FROM stage_currency_rates
UNION ALL BY NAME
SELECT _file, _row, upper(trim(currency)) AS currency, start_date, rate, NULL::BOOLEAN AS is_corporate
FROM stage_sf_dated_rates
UNION ALL BY NAME
SELECT _file, _row, upper(trim(currency)) AS currency, DATE '1900-01-01' AS start_date, rate, is_corporate
FROM stage_sf_currency_types
