-- name: hs_member_events
-- title: Every email event that makes its recipient a campaign member, with the person it reached
-- reads: stage_hs_email_events, hs_email_contacts
-- writes: hs_member_events
-- parameters: member_events
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   campaign_id: the email
--   recipient: the address it went to
--   type: the event's type as exported
--   occurred_at: when it happened
--   is_filtered: whether HubSpot filtered it as a machine open or click
--   event: the event's type in capitals
--   person_id: the contact with the recipient's address (empty when none has it)
SELECT e.*, upper(e.type) AS event, ec.person_id
FROM stage_hs_email_events e LEFT JOIN hs_email_contacts ec ON ec.email = lower(trim(e.recipient))
WHERE upper(e.type) IN (SELECT unnest($member_events::VARCHAR[]))
