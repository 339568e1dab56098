-- A contact person's card points at its organisation's card.
ALTER TABLE cards ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
