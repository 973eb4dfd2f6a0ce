-- name: campaign_spend
-- title: The demo company's campaign_spend.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date, sf_id
-- writes:
-- parameters:
-- columns:
--   campaign_id: the campaign
--   period_start: the period's first day
--   amount: the spend of the period
SELECT sf_id('701', campaign_no) AS campaign_id, sf_date(month_day) AS period_start,
       CAST(amount AS DECIMAL(14, 2)) AS amount
FROM src
