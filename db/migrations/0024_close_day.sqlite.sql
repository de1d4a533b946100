-- Step 24 (issue 13): the business day a period was closed — the date of issue of its bills. A period closed
-- before this step has none; its bills print the day of closed_at in UTC (see docs/design.md).
ALTER TABLE "billing_period" ADD COLUMN "closed_on" DATE;
