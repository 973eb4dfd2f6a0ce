-- name: awareness_by_channel
-- title: Awareness by channel
-- definition: For each awareness channel, what its campaigns cost in the quarter and the reach-type numbers it
--   reported (impressions, reach, site visits), judged on their own terms rather than by leads.
-- unit: count
-- owner: marketing
-- funnel_role: awareness
-- direction: up
-- pairs_with: pipeline
-- grain: one row per awareness channel with cost or awareness numbers in the quarter (awareness numbers carry a
--   region but no segment; cost has no region)
-- kind: breakdown
-- parameters: quarter_first_day, quarter_end_day, region, awareness_channels
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   channel: the awareness channel
--   campaigns: its campaigns with cost in the quarter
--   cost: their cost falling in the quarter
--   impressions: impressions reported for the channel in the quarter
--   reach: reach reported for the channel in the quarter
--   site_visits: site visits reported for the channel in the quarter
--   cost_per_thousand_impressions: cost / impressions × 1,000 (empty without impressions)
WITH costs AS (
  SELECT lower(trim(channel)) AS channel, count(*) AS campaigns, sum(cost) AS cost
  FROM campaign_costs($quarter_first_day, $quarter_end_day)
  WHERE campaign_role(funnel_role, channel, $awareness_channels) = 'awareness' AND cost > 0
  GROUP BY ALL
),
reported AS (
  SELECT lower(trim(channel)) AS channel,
         sum(value) FILTER (WHERE replace(lower(trim(metric)), ' ', '_') = 'impressions') AS impressions,
         sum(value) FILTER (WHERE replace(lower(trim(metric)), ' ', '_') = 'reach') AS reach,
         sum(value) FILTER (WHERE replace(lower(trim(metric)), ' ', '_') = 'site_visits') AS site_visits
  FROM awareness_metrics
  WHERE period_start >= $quarter_first_day AND period_start < $quarter_end_day
    AND ($region IS NULL OR region = $region) AND campaign_role(NULL, channel, $awareness_channels) = 'awareness'
  GROUP BY ALL
),
final AS (
  SELECT coalesce(k.channel, r.channel) AS channel, coalesce(k.campaigns, 0) AS campaigns,
         coalesce(k.cost, 0) AS cost, coalesce(r.impressions, 0) AS impressions, coalesce(r.reach, 0) AS reach,
         coalesce(r.site_visits, 0) AS site_visits,
         k.cost / nullif(r.impressions, 0) * 1000 AS cost_per_thousand_impressions
  FROM costs k FULL JOIN reported r ON r.channel = k.channel
  ORDER BY cost DESC, channel
)
SELECT * FROM final
