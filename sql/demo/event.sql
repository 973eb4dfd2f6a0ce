-- name: event
-- title: The demo company's Event.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date, sf_id, sf_ts
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   WhoId: the lead or contact worked
--   Type: its type
--   Subject: what the activity was
--   OwnerId: the owning user
--   ActivityDateTime: when the event took place
--   ActivityDate: its day
--   CreatedDate: when it was created (Salesforce's timestamp layout, UTC)
SELECT sf_id('00U', no) AS Id,
       CASE WHEN who_is_lead THEN sf_id('00Q', who_no) ELSE sf_id('003', who_no) END AS WhoId,
       type AS Type, subject AS Subject,
       sf_id('005', owner_no) AS OwnerId, sf_ts(activity_at) AS ActivityDateTime,
       sf_date(activity_day) AS ActivityDate, sf_ts(created) AS CreatedDate
FROM src
