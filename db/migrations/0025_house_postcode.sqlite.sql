-- Step 25 (issue 13): a house's postcode — the ЕПД prints the premises' address with it and the region.
ALTER TABLE "house" ADD COLUMN "postcode" VARCHAR(6);
