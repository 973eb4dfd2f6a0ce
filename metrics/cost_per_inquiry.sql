-- name: cost_per_inquiry
-- title: Cost per inquiry
-- definition: What marketing spent in the quarter for each new person (inquiry) of the quarter.
-- unit: currency
-- owner: marketing
-- funnel_role: demand_gen
-- direction: down
-- pairs_with: cac
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply)
-- kind: headline
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day
-- needs: people, spend
-- uses: marketing_spend, inquiries
-- measures: campaign_spend, campaigns, person_stage_dates
-- records: people inquiry
-- columns:
--   value: marketing spend / people whose inquiry date is in the quarter (empty when there is none)
--   marketing_spend: cost of every campaign falling in the quarter
--   people: inquiries of the quarter, in every region and segment
WITH spend AS (
  SELECT value AS marketing_spend FROM metric_marketing_spend($quarter_first_day, $quarter_end_day)
),
reached AS (
  SELECT value AS people FROM metric_inquiries($quarter_start, $quarter_end, NULL, NULL)
),
final AS (
  SELECT CAST(marketing_spend AS DOUBLE) / nullif(people, 0) AS value, marketing_spend, people FROM spend, reached
)
SELECT * FROM final
