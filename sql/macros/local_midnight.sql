-- name: local_midnight
-- title: The first instant of a date-only field's day in the warehouse's time zone, as a UTC timestamp (DESIGN
--   §4.8): a close date is a day of the company's own calendar, so its bounds are that zone's midnights
-- arguments: day, zone
-- returns: scalar
-- reads:
-- columns:
CAST(timezone(zone, CAST(day AS TIMESTAMP)) AS TIMESTAMP)
