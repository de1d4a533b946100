-- Step 37: a suspense line keeps the commission the bank kept of it and the month the payer named, as the import
-- read them — a payment made of the line when a person resolves it takes both (DOMAIN.md §5.2, ст. 319.1 ГК).
-- Re-reading the raw line cannot give them for a CSV with a header row or a DBF (the columns are named in the
-- file, not the line). Lines kept before this step have neither and are read again as before.
ALTER TABLE "suspense_payment" ADD COLUMN "commission" BIGINT;
ALTER TABLE "suspense_payment" ADD COLUMN "period" TEXT;
