-- name: opportunity_facts
-- title: Each deal's facts that no charter option changes (DESIGN §4.3, §4.4, §4.8): its amount (empty = 0), close
--   moment, its account's region and segment, its resolved source text (the source → category map is applied at
--   query time), and the latest touch of its linked people (its contacts and converted leads, or everyone at its
--   account) at or before it was opened and before the end of its close date. A deal has an eligible touch in a
--   window [opened − lookback, end] exactly when that latest touch falls on or after opened − lookback, so the
--   charter's lookback and linking stay query-time choices (influenced_deals)
-- grain: one row per deal
-- reads: opportunities, accounts, people, opportunity_contacts, person_deals, touches, campaigns, _currency,
--   _calendar, corporate_amount, local_midnight
-- columns:
--   opportunity_id: the deal
--   account_id: its account
--   region: its account's region
--   segment: its account's segment
--   owner_id: who owns it
--   created_at: when it was opened
--   closed_at: the first instant of its close date in the warehouse's time zone (UTC)
--   amount: its amount in the corporate currency, 0 when empty, as counted where it was created (pipeline): converted
--     at the rate of its creation day (its close date under the conversion rule 'close'; alignment.currency)
--   is_closed: whether it is closed (false when empty)
--   is_won: whether it is won (false when empty)
--   lead_source: its own lead source as the CRM wrote it
--   primary_campaign_id: the primary campaign it names
--   primary_campaign_channel: that campaign's channel (empty when it names none, or one not loaded)
--   source: its resolved lead source: its own; else the earliest-created lead converted into it that has one; else
--     its primary contact's
--   source_from: where source came from: opportunity, converted lead or primary contact
--   latest_contact_touch_at: its linked people's latest touch at or before it was opened
--   latest_contact_touch_by_close_at: their latest touch before the end of its close date
--   latest_account_touch_at: the latest touch of anyone at its account at or before it was opened
--   latest_account_touch_by_close_at: their latest touch before the end of its close date
--   closed_amount: its amount in the corporate currency, 0 when empty, as counted where it closed (bookings, win rate
--     by value, average deal size): at the rate of its close date (its creation day under the rule 'creation', or
--     while it has no close date)
--   original_amount: its amount as the CRM wrote it, in its own currency (empty when empty)
--   currency: the currency it was written in (empty: the corporate currency)
WITH conversion AS (SELECT any_value(conversion_date) AS rule FROM _currency),
deals AS (
  SELECT o.opportunity_id, o.account_id, a.region, a.segment, o.owner_id, o.created_at,
         local_midnight(o.close_date, (SELECT time_zone FROM _calendar)) AS closed_at,
         coalesce(corporate_amount(o.amount, o.currency,
                                   CASE WHEN v.rule = 'close' THEN coalesce(o.close_date, CAST(o.created_at AS DATE))
                                        ELSE CAST(o.created_at AS DATE) END), 0) AS amount,
         coalesce(o.is_closed, false) AS is_closed, coalesce(o.is_won, false) AS is_won,
         o.lead_source, o.primary_campaign_id,
         coalesce(corporate_amount(o.amount, o.currency,
                                   CASE WHEN v.rule = 'creation' THEN CAST(o.created_at AS DATE)
                                        ELSE coalesce(o.close_date, CAST(o.created_at AS DATE)) END), 0)
           AS closed_amount,
         o.amount AS original_amount, o.currency
  FROM opportunities o LEFT JOIN accounts a ON a.account_id = o.account_id CROSS JOIN conversion v),
converted_lead AS (
  SELECT converted_opportunity_id AS opportunity_id,
         arg_min(lead_source, (created_at, person_id)) AS lead_source
  FROM people
  WHERE converted_opportunity_id IS NOT NULL AND nullif(trim(lead_source), '') IS NOT NULL
  GROUP BY converted_opportunity_id),
primary_contact AS (
  SELECT oc.opportunity_id, arg_min(p.lead_source, (p.created_at, p.person_id)) AS lead_source
  FROM opportunity_contacts oc JOIN people p ON p.person_id = oc.person_id
  WHERE oc.is_primary AND nullif(trim(p.lead_source), '') IS NOT NULL
  GROUP BY oc.opportunity_id),
contact_touch AS (
  SELECT d.opportunity_id,
         max(t.touch_at) FILTER (WHERE t.touch_at <= d.created_at) AS latest_contact_touch_at,
         max(t.touch_at) FILTER (WHERE t.touch_at < d.closed_at + INTERVAL 1 DAY)
           AS latest_contact_touch_by_close_at
  FROM person_deals l JOIN deals d USING (opportunity_id) JOIN touches t ON t.person_id = l.person_id
  GROUP BY d.opportunity_id),
-- Everyone's touches at each account, with each deal's two window ends as points among them; a running latest touch
-- per account, read at each point, is the deal's latest account touch (touches at the moment a deal opened count; at
-- the midnight after its close date, not). Cheaper than two ASOF joins at scale. Accounts are numbered and a point's
-- moment and tie are one integer (microseconds × 4 + tie), so the window partitions and sorts integers, not text and
-- pairs.
account_keys AS (
  SELECT account_id, row_number() OVER () AS account_key
  FROM (SELECT account_id FROM people WHERE account_id IS NOT NULL
        UNION SELECT account_id FROM deals WHERE account_id IS NOT NULL)),
account_points AS (
  SELECT k.account_key, epoch_us(t.touch_at) * 4 + 1 AS moment, NULL AS opportunity_id, 0 AS basis, t.touch_at
  FROM touches t JOIN account_keys k ON k.account_id = t.account_id
  WHERE t.touch_at IS NOT NULL
  UNION ALL
  SELECT k.account_key, epoch_us(d.created_at) * 4 + 2, d.opportunity_id, 1, NULL
  FROM deals d JOIN account_keys k ON k.account_id = d.account_id
  UNION ALL
  SELECT k.account_key, epoch_us(d.closed_at + INTERVAL 1 DAY) * 4, d.opportunity_id, 2, NULL
  FROM deals d JOIN account_keys k ON k.account_id = d.account_id WHERE d.closed_at IS NOT NULL),
account_running AS (
  SELECT opportunity_id, basis,
         max(touch_at) OVER (PARTITION BY account_key ORDER BY moment ROWS UNBOUNDED PRECEDING) AS latest
  FROM account_points),
account_touch AS (
  SELECT opportunity_id, max(latest) FILTER (WHERE basis = 1) AS latest_account_touch_at,
         max(latest) FILTER (WHERE basis = 2) AS latest_account_touch_by_close_at
  FROM account_running WHERE basis > 0 GROUP BY opportunity_id)
SELECT d.* EXCLUDE (closed_amount, original_amount, currency), c.channel AS primary_campaign_channel,
       coalesce(nullif(trim(d.lead_source), ''), cl.lead_source, pc.lead_source) AS source,
       CASE WHEN nullif(trim(d.lead_source), '') IS NOT NULL THEN 'opportunity'
            WHEN cl.lead_source IS NOT NULL THEN 'converted lead'
            WHEN pc.lead_source IS NOT NULL THEN 'primary contact' END AS source_from,
       ct.latest_contact_touch_at, ct.latest_contact_touch_by_close_at,
       ato.latest_account_touch_at, ato.latest_account_touch_by_close_at,
       d.closed_amount, d.original_amount, d.currency
FROM deals d
LEFT JOIN campaigns c ON c.campaign_id = d.primary_campaign_id
LEFT JOIN converted_lead cl ON cl.opportunity_id = d.opportunity_id
LEFT JOIN primary_contact pc ON pc.opportunity_id = d.opportunity_id
LEFT JOIN contact_touch ct ON ct.opportunity_id = d.opportunity_id
LEFT JOIN account_touch ato ON ato.opportunity_id = d.opportunity_id
ORDER BY d.created_at
