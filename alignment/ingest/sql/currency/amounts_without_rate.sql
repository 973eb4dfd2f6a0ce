-- name: amounts_without_rate
-- title: Amounts an import would have to sum unconverted: each deal, campaign and spend row in a currency other than
--   the corporate one with no rate on the earliest day its amount is converted at (a deal's creation or close day,
--   a campaign's start day, a spend row's period), or with a code that is not three letters; and rates that are not
--   above 0
-- reads: canon_opportunities, canon_campaigns, canon_campaign_spend, canon_currency_rates
-- writes:
-- parameters: corporate
-- columns:
--   table_name: the canonical table of the row
--   column_name: the canonical column the problem is in
--   file: the file the row came from
--   row: its spreadsheet row
--   currency: its currency, upper-cased
--   needed_on: the earliest day it needs a rate for (empty when any rate would do, or for a bad code or rate)
--   problem: no_rate, bad_code or bad_rate
WITH rates AS (
  SELECT upper(trim(currency)) AS currency, start_date
  FROM canon_currency_rates WHERE rate > 0),
amounts AS (
  SELECT 'opportunities' AS table_name, _file AS file, _row AS row, upper(trim(currency)) AS currency,
         least(CAST(created_at AS DATE), close_date) AS needed_on
  FROM canon_opportunities WHERE nullif(trim(currency), '') IS NOT NULL AND amount IS NOT NULL
  UNION ALL
  SELECT 'campaigns', _file, _row, upper(trim(currency)), coalesce(start_date, end_date)
  FROM canon_campaigns
  WHERE nullif(trim(currency), '') IS NOT NULL AND (actual_cost IS NOT NULL OR budgeted_cost IS NOT NULL)
  UNION ALL
  SELECT 'campaign_spend', _file, _row, upper(trim(currency)), period_start
  FROM canon_campaign_spend WHERE nullif(trim(currency), '') IS NOT NULL)
SELECT table_name, 'currency' AS column_name, file, row, currency, needed_on,
       CASE WHEN NOT regexp_full_match(currency, '[A-Z]{3}') THEN 'bad_code' ELSE 'no_rate' END AS problem
FROM amounts a
WHERE currency <> CAST($corporate AS VARCHAR)
  AND (NOT regexp_full_match(currency, '[A-Z]{3}')
       OR NOT EXISTS (SELECT 1 FROM rates r
                      WHERE r.currency = a.currency AND (a.needed_on IS NULL OR r.start_date <= a.needed_on)))
UNION ALL
SELECT 'currency_rates', 'rate', _file, _row, upper(trim(currency)), NULL, 'bad_rate'
FROM canon_currency_rates WHERE NOT rate > 0
ORDER BY file, row
