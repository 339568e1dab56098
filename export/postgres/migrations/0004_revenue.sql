-- Revenue summed over a customer's merged records.
ALTER TABLE cards ADD COLUMN revenue TEXT NOT NULL DEFAULT '';
