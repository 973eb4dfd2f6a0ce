-- name: record_calendar
-- title: The warehouse's fiscal calendar (alignment.periods.FiscalCalendar), one row, carried from one import to the
--   next: every quarter, charter and signature of the warehouse is cut by it; setting it replaces the one before
-- reads:
-- writes: _calendar
-- parameters: start_month, year_named_by, weeks, year_end_weekday, time_zone
-- columns:
--   start_month: the month its fiscal year starts in (1: the calendar year)
--   year_named_by: start or end: the calendar year a fiscal year is named by
--   weeks: 4-4-5, 4-5-4 or 5-4-4 for a 52/53-week year; empty: calendar months
--   year_end_weekday: the weekday a 52/53-week year ends on
--   time_zone: the IANA time zone whose midnights bound its days
CREATE OR REPLACE TABLE _calendar AS
SELECT CAST($start_month AS INTEGER) AS start_month, CAST($year_named_by AS VARCHAR) AS year_named_by,
       CAST($weeks AS VARCHAR) AS weeks, CAST($year_end_weekday AS VARCHAR) AS year_end_weekday,
       CAST($time_zone AS VARCHAR) AS time_zone
