-- Each row's own revenue and the day it was made (a sale, an invoice), as
-- its file's latest run read it: crmkit abc --from/--to ranks customers by
-- the revenue of a period, every row counted (a ledger has many rows of
-- one customer, which are one source record).
ALTER TABLE sightings ADD COLUMN revenue NUMERIC(18, 2);
ALTER TABLE sightings ADD COLUMN revenue_date DATE;
CREATE INDEX sightings_revenue_date ON sightings (revenue_date) WHERE revenue_date IS NOT NULL;
COMMENT ON COLUMN sightings.revenue IS 'The row''s revenue; NULL for none. / Выручка строки; NULL — нет.';
COMMENT ON COLUMN sightings.revenue_date IS 'The day of the row''s revenue (a sale, an invoice); NULL for none. / Дата выручки строки (продажи, счёта); NULL — нет.';
