-- name: warehouse_currency
-- title: The warehouse's corporate currency and the date its deals' amounts are converted at
-- reads: _currency
-- writes:
-- parameters:
-- columns:
--   corporate: ISO 4217 code of the corporate currency
--   conversion_date: close_for_bookings, creation or close
SELECT corporate, conversion_date FROM _currency LIMIT 1
