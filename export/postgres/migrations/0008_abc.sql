-- The customer's ABC class by revenue (A, B, C; '' when the store holds no
-- revenue, and for contact persons), set once at the end of every run that
-- changes cards, over the whole distribution (export.ClassifyABC).
ALTER TABLE cards ADD COLUMN abc_class TEXT NOT NULL DEFAULT '';
