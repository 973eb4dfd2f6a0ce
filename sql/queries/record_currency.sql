-- name: record_currency
-- title: Record the warehouse's corporate currency, the one every amount is shown in, and the date each deal's
--   amount is converted at
-- reads:
-- writes: _currency
-- parameters: corporate, conversion_date
-- columns:
--   corporate: ISO 4217 code of the corporate currency
--   conversion_date: close_for_bookings, creation or close (alignment.currency.CONVERSION_DATES)
CREATE OR REPLACE TABLE _currency AS
SELECT CAST($corporate AS VARCHAR) AS corporate, CAST($conversion_date AS VARCHAR) AS conversion_date
