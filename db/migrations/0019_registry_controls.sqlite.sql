-- Step 19 (issue 12): a bank registry keeps its footer's control figures (transfer, commission, the bank's payment
-- order) beside the total; a suspense line keeps its key (importing the file again adds nothing) and, once sent
-- back to the bank, why.
ALTER TABLE "bank_registry" ADD COLUMN "transfer" BIGINT;
ALTER TABLE "bank_registry" ADD COLUMN "commission" BIGINT;
ALTER TABLE "bank_registry" ADD COLUMN "order_number" TEXT;
ALTER TABLE "bank_registry" ADD COLUMN "order_date" DATE;
ALTER TABLE "suspense_payment" ADD COLUMN "line_key" TEXT;
ALTER TABLE "suspense_payment" ADD COLUMN "returned" TEXT;
CREATE UNIQUE INDEX "suspense_payment_line_key" ON "suspense_payment" ("line_key");
