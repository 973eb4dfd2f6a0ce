-- name: account_coverage
-- title: Target-account coverage
-- definition: For target accounts and the others side by side, how many accounts marketing reached in the quarter,
--   how many were engaged up to its end, had an MQL in it, had a deal open at its end and won a deal in it.
-- unit: count
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per target group (target, non_target, not_measured: no target flag in the export) for all owners
--   together, and one per account owner and target group; no rows in a quarter where no account was reached,
--   engaged, had an MQL or won a deal
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, awareness_channels, engaged_touches,
--   engaged_window_days, engagement_half_life_days, persona_names, persona_weights, channel_names, channel_weights
-- needs:
-- uses: account_engagement
-- measures:
-- records:
-- columns:
--   owner_id: the account owner (empty on the rows for all owners together; '(none)' for accounts without one)
--   owner_name: that owner's name from users, else the owner id (empty on the rows for all owners together)
--   target_group: target, non_target, or not_measured (the account's target flag is empty in the export)
--   accounts: accounts in the group (created before the quarter's end, or with no creation date)
--   reached: of them, accounts with a campaign membership of one of their people dated in the quarter (added or
--     responded), whether or not the person responded
--   reached_by_awareness: of those, accounts reached by an awareness campaign (its own role, else its channel's under
--     the charter)
--   engaged: accounts with at least the charter's number of responded touches of their people in the engagement
--     window up to the quarter's end
--   with_mql: accounts with a person whose MQL date falls in the quarter (under the stage policy)
--   with_open_deal: accounts with a deal open at the quarter's end (opened before it, not closed before it)
--   won: accounts with a deal won and closed in the quarter
--   reached_share: reached / accounts
--   engaged_share: engaged / accounts
--   with_mql_share: with_mql / accounts
--   with_open_deal_share: with_open_deal / accounts
--   won_share: won / accounts
WITH scoped AS (
  SELECT a.account_id, coalesce(a.owner_id, '(none)') AS owner_key,
         CASE WHEN a.is_target_account IS NULL THEN 'not_measured'
              WHEN a.is_target_account THEN 'target' ELSE 'non_target' END AS target_group
  FROM accounts a
  WHERE in_scope(a.region, a.segment, $region, $segment) AND (a.created_at IS NULL OR a.created_at < $quarter_end)
),
roles AS (
  -- each campaign's role once, not once per membership
  SELECT campaign_id, campaign_role(funnel_role, channel, $awareness_channels) = 'awareness' AS is_awareness
  FROM campaigns
),
reached AS (
  SELECT p.account_id, bool_or(r.is_awareness) AS by_awareness
  FROM campaign_members m JOIN roles r ON r.campaign_id = m.campaign_id
  JOIN people p ON p.person_id = m.person_id
  WHERE p.account_id IS NOT NULL
    AND ((m.created_at >= $quarter_start AND m.created_at < $quarter_end)
         OR (m.first_responded_at >= $quarter_start AND m.first_responded_at < $quarter_end))
  GROUP BY p.account_id
),
engaged AS (
  SELECT account_id FROM metric_account_engagement($quarter_end, $region, $segment, $engaged_touches,
                                                   $engaged_window_days, $engagement_half_life_days, $persona_names,
                                                   $persona_weights, $channel_names, $channel_weights)
  WHERE is_engaged
),
mql AS (
  SELECT DISTINCT account_id FROM person_stages($backfill)
  WHERE account_id IS NOT NULL AND mql_at >= $quarter_start AND mql_at < $quarter_end
),
open_deal AS (
  SELECT DISTINCT account_id FROM deals()
  WHERE account_id IS NOT NULL AND created_at < $quarter_end AND (NOT is_closed OR closed_at >= $quarter_end)
),
won AS (
  SELECT DISTINCT account_id FROM deals()
  WHERE account_id IS NOT NULL AND is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end
),
stages AS (
  SELECT s.*, r.account_id IS NOT NULL AS is_reached, coalesce(r.by_awareness, false) AS is_reached_by_awareness,
         e.account_id IS NOT NULL AS is_engaged, m.account_id IS NOT NULL AS has_mql,
         o.account_id IS NOT NULL AS has_open_deal, w.account_id IS NOT NULL AS has_won
  FROM scoped s LEFT JOIN reached r ON r.account_id = s.account_id LEFT JOIN engaged e ON e.account_id = s.account_id
  LEFT JOIN mql m ON m.account_id = s.account_id LEFT JOIN open_deal o ON o.account_id = s.account_id
  LEFT JOIN won w ON w.account_id = s.account_id
),
counted AS (
  SELECT owner_key, target_group, grouping(owner_key) AS all_owners, count(*) AS accounts,
         count(*) FILTER (WHERE is_reached) AS reached,
         count(*) FILTER (WHERE is_reached_by_awareness) AS reached_by_awareness,
         count(*) FILTER (WHERE is_engaged) AS engaged, count(*) FILTER (WHERE has_mql) AS with_mql,
         count(*) FILTER (WHERE has_open_deal) AS with_open_deal, count(*) FILTER (WHERE has_won) AS won
  FROM stages
  GROUP BY GROUPING SETS ((target_group), (owner_key, target_group))
),
final AS (
  SELECT CASE WHEN c.all_owners = 0 THEN c.owner_key END AS owner_id,
         CASE WHEN c.all_owners = 0 THEN coalesce(u.name, c.owner_key) END AS owner_name,
         c.target_group, c.accounts, c.reached, c.reached_by_awareness, c.engaged, c.with_mql, c.with_open_deal,
         c.won, c.reached / c.accounts AS reached_share, c.engaged / c.accounts AS engaged_share,
         c.with_mql / c.accounts AS with_mql_share, c.with_open_deal / c.accounts AS with_open_deal_share,
         c.won / c.accounts AS won_share
  FROM counted c LEFT JOIN users u ON c.all_owners = 0 AND u.user_id = c.owner_key
  WHERE EXISTS (SELECT 1 FROM stages WHERE is_reached OR is_engaged OR has_mql OR has_won)
  ORDER BY c.all_owners DESC, owner_name NULLS FIRST, c.owner_key,
           list_position(['target', 'non_target', 'not_measured'], c.target_group)
)
SELECT * FROM final
