-- Each row's own revenue and the day it was made (a sale, an invoice), as
-- its file's latest run read it: crmkit abc --from/--to ranks customers by
-- the revenue of a period, every row counted (a ledger has many rows of
-- one customer, which are one source record). NULL for none.
ALTER TABLE sightings ADD COLUMN revenue TEXT;
ALTER TABLE sightings ADD COLUMN revenue_date TEXT;
CREATE INDEX sightings_revenue_date ON sightings (revenue_date) WHERE revenue_date IS NOT NULL;
