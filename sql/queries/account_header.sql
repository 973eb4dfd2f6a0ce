-- name: account_header
-- title: One account's header on its journey page: who it is, who owns it, and how engaged it is lately
-- reads: accounts, users, people, touches
-- writes:
-- parameters: account_id, as_of, window_days
-- columns:
--   account_id: the account
--   account_name: its name
--   segment: its segment
--   region: its region
--   owner_id: its owner
--   owner_name: the owner's name from users, else the owner id
--   is_target_account: whether sales targets it (empty: the data does not say)
--   people: how many of its people were loaded
--   recent_touches: responded touches of its people in the window_days before as_of
--   recent_people: distinct people behind them
--   last_touch_at: its people's latest responded touch
WITH account_touches AS (
  SELECT t.person_id, t.touch_at
  FROM touches t JOIN people p ON p.person_id = t.person_id
  WHERE p.account_id = $account_id
),
recent AS (
  SELECT count(*) FILTER (WHERE touch_at <= $as_of
                            AND touch_at > $as_of - to_days(CAST($window_days AS INTEGER))) AS recent_touches,
         count(DISTINCT person_id) FILTER (WHERE touch_at <= $as_of
                                             AND touch_at > $as_of - to_days(CAST($window_days AS INTEGER)))
           AS recent_people,
         max(touch_at) AS last_touch_at
  FROM account_touches
)
SELECT a.account_id, a.account_name, a.segment, a.region, a.owner_id, coalesce(u.name, a.owner_id) AS owner_name,
       a.is_target_account, (SELECT count(*) FROM people p WHERE p.account_id = a.account_id) AS people,
       r.recent_touches, r.recent_people, r.last_touch_at
FROM accounts a LEFT JOIN users u ON u.user_id = a.owner_id CROSS JOIN recent r
WHERE a.account_id = $account_id
