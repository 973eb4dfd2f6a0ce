-- name: hs_stage_dates
-- title: Every lifecycle date of a contact: its stage date properties, then its lifecyclestage history
-- reads: hs_live_contacts, hs_merged_contacts, stage_hs_contact_changes, hs_contact_ids
-- writes: hs_stage_dates
-- parameters: lifecycle_values, lifecycle_stages
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   person_id: the person
--   stage: the canonical stage
--   occurred_at: when the contact reached it
--   reason: the rejection's or disqualification's reason
SELECT _file, _row, person_id, stage, occurred_at,
       CASE stage WHEN 'rejected' THEN rejection_reason
                  WHEN 'disqualified' THEN disqualification_reason END AS reason
FROM (SELECT _file, _row, person_id, rejection_reason, disqualification_reason,
             inquiry_at AS inquiry, mql_at AS mql, sal_at AS sal, sql_at AS sql, rejected_at AS rejected,
             disqualified_at AS disqualified, recycled_at AS recycled
      FROM hs_live_contacts WHERE person_id NOT IN (SELECT source_id FROM hs_merged_contacts))
UNPIVOT (occurred_at FOR stage IN (inquiry, mql, sal, sql, rejected, disqualified, recycled))
UNION ALL
SELECT h._file, h._row, i.person_id, s.stage, h.changed_at, NULL
FROM stage_hs_contact_changes h
JOIN (SELECT unnest($lifecycle_values::VARCHAR[]) AS value, unnest($lifecycle_stages::VARCHAR[]) AS stage) s
  ON s.value = lower(h.value)
JOIN hs_contact_ids i ON i.source_id = h.object_id
WHERE lower(h.property) = 'lifecyclestage' AND h.changed_at IS NOT NULL
