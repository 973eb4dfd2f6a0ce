-- name: account_first_wins
-- title: Each account's first win: the earliest close of its won deals (a new customer in the quarter it falls in)
-- arguments:
-- returns: table
-- reads: deals
-- columns:
--   account_id: an account with at least one won deal
--   region: its region
--   segment: its segment
--   first_won_at: the close moment of its earliest won deal
SELECT account_id, any_value(region) AS region, any_value(segment) AS segment, min(closed_at) AS first_won_at
FROM deals() WHERE is_won AND account_id IS NOT NULL GROUP BY account_id
