-- name: corporate_amount
-- title: An amount in the corporate currency (the one rule of conversion): in the corporate currency, or with none
--   named, as it is; else divided by its currency's rate on the day (a rate is units of the currency per 1 unit of the
--   corporate currency, Salesforce's ConversionRate, and holds from its start date until the next one's; with no day,
--   the latest rate). The import refuses an amount with no rate
--   on its day, so none is left unconverted
-- arguments: amount, from_currency, on_day
-- returns: scalar
-- reads: currency_rates, _currency
-- columns:
CASE WHEN amount IS NULL THEN NULL
     WHEN from_currency IS NULL OR from_currency = (SELECT any_value(corporate) FROM _currency) THEN amount
     ELSE amount / (SELECT arg_max(r.rate, r.start_date)
                    FROM currency_rates r
                    WHERE r.currency = from_currency AND r.rate > 0
                      AND (on_day IS NULL OR r.start_date <= CAST(on_day AS DATE))) END
