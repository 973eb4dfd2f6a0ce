-- name: new_customers
-- title: New customers
-- definition: Companies whose first ever won deal closed in the quarter.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- needs: opportunities, deal_accounts
-- uses:
-- measures: opportunity_facts
-- records: deals won; that were their account's first win; "Account's first win"
-- columns:
--   value: accounts whose earliest won close_date is in the quarter
WITH final AS (
  SELECT count(*) AS value FROM account_first_wins()
  WHERE first_won_at >= $quarter_start AND first_won_at < $quarter_end
    AND in_scope(region, segment, $region, $segment)
)
SELECT * FROM final
