-- name: deals
-- title: Deals
-- grain: one row per deal opened, won or closed in the period ($anchor: created, won or closed); largest first
-- anchors: created = deals opened; won = deals won; closed = deals closed
-- reads: opportunity_facts, opportunities, accounts, users, _currency
-- parameters: anchor, quarter_start, quarter_end, source_names, source_categories, by_account, primary_credit,
--   lookback_hours
-- columns:
--   "Opportunity": the deal's id
--   "Name": its name
--   "Account": its account's name
--   "Account id": its account's id (its journey page's link)
--   "Region": its account's region
--   "Segment": its account's segment
--   "Owner": its owner's name
--   "Amount": its amount (empty = 0) in the corporate currency, at the rate of the day it counts in the period:
--     its creation day for deals opened, its close date for deals won or closed (alignment.currency)
--   "Amount as written": its amount in its own currency, as the CRM wrote it
--   "Currency": that currency
--   "Opened": when it was created
--   "Close date": the day it closed (or is expected to)
--   "Closed": whether it is closed
--   "Won": whether it was won
--   "Source": its resolved lead source (its own, else its converted lead's, else its primary contact's)
--   "Source category": that source's category under the charter
--   "Primary campaign channel": the channel of its primary campaign
--   "Marketing-influenced": whether an eligible touch falls in its pipeline-basis window
--   "Account's first win": whether it is its account's earliest won deal
WITH first_wins AS (
  SELECT account_id, min(closed_at) AS first_won_at FROM opportunity_facts WHERE is_won GROUP BY account_id
),
final AS (
  SELECT d.opportunity_id AS "Opportunity", o.name AS "Name", a.account_name AS "Account", d.account_id AS "Account id",
         d.region AS "Region",
         d.segment AS "Segment", u.name AS "Owner",
         CASE WHEN $anchor = 'created' THEN d.amount ELSE d.closed_amount END AS "Amount",
         d.original_amount AS "Amount as written",
         coalesce(d.currency, (SELECT any_value(corporate) FROM _currency)) AS "Currency", d.created_at AS "Opened",
         d.closed_at AS "Close date", d.is_closed AS "Closed", d.is_won AS "Won", d.source AS "Source",
         d.source_category AS "Source category", d.primary_campaign_channel AS "Primary campaign channel",
         i.is_influenced AS "Marketing-influenced",
         coalesce(d.is_won AND d.closed_at = fw.first_won_at, false) AS "Account's first win"
  FROM opportunity_sources($source_names, $source_categories) d
  JOIN influenced_deals($by_account, $primary_credit, $lookback_hours) i ON i.opportunity_id = d.opportunity_id
  LEFT JOIN first_wins fw ON fw.account_id = d.account_id
  LEFT JOIN opportunities o ON o.opportunity_id = d.opportunity_id
  LEFT JOIN accounts a ON a.account_id = d.account_id
  LEFT JOIN users u ON u.user_id = d.owner_id
  WHERE CASE $anchor
          WHEN 'created' THEN d.created_at >= $quarter_start AND d.created_at < $quarter_end
          WHEN 'won' THEN d.is_won AND d.closed_at >= $quarter_start AND d.closed_at < $quarter_end
          WHEN 'closed' THEN d.is_closed AND d.closed_at >= $quarter_start AND d.closed_at < $quarter_end
        END
  ORDER BY "Amount" DESC, "Opportunity"
)
SELECT * FROM final
