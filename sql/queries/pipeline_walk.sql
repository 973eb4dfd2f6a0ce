-- name: pipeline_walk
-- title: The quarter's pipeline walk, one row per deal that was in it: the open deals whose close date lies in the
--   quarter at its first moment (start) and at the walk's end (the quarter's end, or the end of the as-of day for a
--   running quarter), each state rebuilt from the close-date, amount and stage history, and the one movement that
--   takes the deal from its start state to its end state
-- reads: opportunity_facts, opportunities, opportunity_changes, opportunity_stage_history, accounts, users,
--   opportunity_type, local_midnight, in_scope
-- writes:
-- parameters: quarter_start, quarter_first_day, quarter_end_day, walk_end, region, segment, time_zone
-- columns:
--   opportunity_id: the deal
--   name: its name
--   account_name: its account's name (its id when the account is not loaded)
--   owner_name: its owner's name from users, else the owner's id
--   region: its account's region
--   segment: its account's segment
--   opportunity_type: new_business, expansion, renewal or other (opportunity_type)
--   movement: the deal's one movement, by its state at the start against its state at the end: stayed (in at both),
--     won, lost, pushed_out (in at the start; at the end won, lost, or open with its close date outside the quarter),
--     created (in at the end, not at the start, opened during the quarter), pulled_in (in at the end, not at the
--     start, opened before it: its close date moved into the quarter, or it reopened), came_and_went (in at neither,
--     but in the quarter's pipeline at some moment between: opened or pulled in, then won, lost or moved out)
--   entered: came_and_went only: created or pulled_in
--   outcome: came_and_went only: won, lost or pushed_out
--   start_close_date: its close date at the start (its first recorded one when it was recorded only later; its current
--     one without close-date history)
--   end_close_date: its close date at the end, alike
--   start_amount: its amount at the start in the corporate currency (a recorded amount turned at the deal's own rate,
--     its current corporate amount ÷ its current written amount; its current amount without amount history; 0 empty)
--   end_amount: its amount at the end, alike
--   won_amount: its bookings (closed_amount) when it was won by the end of the walk, else 0
--   start_stage: its stage at the start (the latest stage recorded before it; its first recorded one, else its
--     current stage)
--   end_stage: its stage at the end, alike
--   has_history: whether any close date of the deal was recorded in the history (without one, the deal is read from
--     its current close date and amount: it can be created, stay, be won or lost, never pushed out or pulled in)
WITH deals AS (
  SELECT f.opportunity_id, o.name, coalesce(a.account_name, f.account_id) AS account_name,
         coalesce(u.name, f.owner_id) AS owner_name, f.region, f.segment, opportunity_type(o.type) AS opportunity_type,
         f.created_at, f.is_closed, f.is_won, f.amount AS current_amount, f.closed_amount, o.close_date, o.stage,
         CASE WHEN o.amount > 0 THEN f.amount / o.amount ELSE 1 END AS rate,
         -- a deal is closed from the end of its close date (won on the as-of day: closed at the walk's end)
         local_midnight(CAST(o.close_date + INTERVAL 1 DAY AS DATE), $time_zone) AS closed_by
  FROM opportunity_facts f JOIN opportunities o ON o.opportunity_id = f.opportunity_id
  LEFT JOIN accounts a ON a.account_id = f.account_id
  LEFT JOIN users u ON u.user_id = f.owner_id
  WHERE in_scope(f.region, f.segment, $region, $segment)
),
close_dates AS (SELECT opportunity_id, changed_at, close_date FROM opportunity_changes WHERE close_date IS NOT NULL),
amounts AS (SELECT opportunity_id, changed_at, amount FROM opportunity_changes WHERE amount IS NOT NULL),
stages AS (
  SELECT opportunity_id, changed_at, stage FROM opportunity_changes WHERE stage IS NOT NULL
  UNION ALL
  SELECT opportunity_id, entered_at, stage FROM opportunity_stage_history),
first_close_dates AS (
  SELECT opportunity_id, arg_min(close_date, changed_at) AS close_date FROM close_dates GROUP BY opportunity_id),
first_amounts AS (SELECT opportunity_id, arg_min(amount, changed_at) AS amount FROM amounts GROUP BY opportunity_id),
first_stages AS (SELECT opportunity_id, arg_min(stage, changed_at) AS stage FROM stages GROUP BY opportunity_id),
-- The moments a deal's state is read at: the start, the end, and just after each creation or recorded change in
-- between (a change at a moment counts from that moment).
moments AS (
  SELECT opportunity_id, 'start' AS moment, CAST($quarter_start AS TIMESTAMP) AS at FROM deals
  UNION ALL
  SELECT opportunity_id, 'end', CAST($walk_end AS TIMESTAMP) FROM deals
  UNION ALL
  SELECT opportunity_id, 'within', created_at + INTERVAL 1 MICROSECOND FROM deals
  WHERE created_at >= $quarter_start AND created_at < $walk_end
  UNION ALL
  SELECT c.opportunity_id, 'within', c.changed_at + INTERVAL 1 MICROSECOND
  FROM opportunity_changes c JOIN deals d ON d.opportunity_id = c.opportunity_id
  WHERE c.changed_at >= $quarter_start AND c.changed_at < $walk_end),
states AS (
  SELECT m.opportunity_id, m.moment,
         coalesce(c.close_date, fc.close_date, d.close_date) AS close_date,
         coalesce(am.amount * d.rate, fa.amount * d.rate, d.current_amount, 0) AS amount,
         coalesce(s.stage, fs.stage, d.stage) AS stage, fc.close_date IS NOT NULL AS has_history,
         d.created_at < m.at AND NOT (d.is_closed AND coalesce(d.closed_by <= m.at, true)) AS is_open
  FROM moments m JOIN deals d ON d.opportunity_id = m.opportunity_id
  LEFT JOIN first_close_dates fc ON fc.opportunity_id = m.opportunity_id
  LEFT JOIN first_amounts fa ON fa.opportunity_id = m.opportunity_id
  LEFT JOIN first_stages fs ON fs.opportunity_id = m.opportunity_id
  ASOF LEFT JOIN close_dates c ON c.opportunity_id = m.opportunity_id AND m.at > c.changed_at
  ASOF LEFT JOIN amounts am ON am.opportunity_id = m.opportunity_id AND m.at > am.changed_at
  ASOF LEFT JOIN stages s ON s.opportunity_id = m.opportunity_id AND m.at > s.changed_at),
in_quarter AS (
  SELECT *, is_open AND close_date >= $quarter_first_day AND close_date < $quarter_end_day AS in_pipeline
  FROM states),
per_deal AS (
  SELECT opportunity_id,
         bool_or(in_pipeline) FILTER (WHERE moment = 'start') AS at_start,
         bool_or(in_pipeline) FILTER (WHERE moment = 'end') AS at_end,
         coalesce(bool_or(in_pipeline) FILTER (WHERE moment = 'within'), false) AS in_between,
         any_value(close_date) FILTER (WHERE moment = 'start') AS start_close_date,
         any_value(close_date) FILTER (WHERE moment = 'end') AS end_close_date,
         any_value(amount) FILTER (WHERE moment = 'start') AS start_amount,
         any_value(amount) FILTER (WHERE moment = 'end') AS end_amount,
         any_value(stage) FILTER (WHERE moment = 'start') AS start_stage,
         any_value(stage) FILTER (WHERE moment = 'end') AS end_stage, bool_or(has_history) AS has_history
  FROM in_quarter GROUP BY opportunity_id),
classed AS (
  SELECT d.*, p.* EXCLUDE (opportunity_id),
         d.is_won AND coalesce(d.closed_by <= $walk_end, false) AS won_by_end,
         d.is_closed AND coalesce(d.closed_by <= $walk_end, true) AS closed_by_end,
         d.created_at >= $quarter_start AS created_in_quarter
  FROM deals d JOIN per_deal p ON p.opportunity_id = d.opportunity_id
  WHERE p.at_start OR p.at_end OR p.in_between),
final AS (
  SELECT opportunity_id, name, account_name, owner_name, region, segment, opportunity_type,
         CASE WHEN at_start AND at_end THEN 'stayed'
              WHEN at_start AND won_by_end THEN 'won'
              WHEN at_start AND closed_by_end THEN 'lost'
              WHEN at_start THEN 'pushed_out'
              WHEN at_end AND created_in_quarter THEN 'created'
              WHEN at_end THEN 'pulled_in'
              ELSE 'came_and_went' END AS movement,
         CASE WHEN at_start OR at_end THEN NULL
              WHEN created_in_quarter THEN 'created' ELSE 'pulled_in' END AS entered,
         CASE WHEN at_start OR at_end THEN NULL
              WHEN won_by_end THEN 'won' WHEN closed_by_end THEN 'lost' ELSE 'pushed_out' END AS outcome,
         start_close_date, end_close_date, start_amount, end_amount,
         CASE WHEN won_by_end THEN closed_amount ELSE 0 END AS won_amount, start_stage, end_stage, has_history
  FROM classed)
SELECT * FROM final ORDER BY movement, start_amount DESC, end_amount DESC, opportunity_id
