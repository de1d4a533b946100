-- Step 26 (issue 14): the cash desk. A shift keeps its business days, the cashier's ИНН, the register and the
-- cash counted at its close; the seed's fiscal_receipt (never written) gives way to cash_operation — the desk's
-- write-ahead journal of payments, linked to the fiscal document and the payment (db/models/finance.py).
ALTER TABLE "cash_shift" ADD COLUMN "cashier_inn" TEXT;
ALTER TABLE "cash_shift" ADD COLUMN "opened_on" DATE;
ALTER TABLE "cash_shift" ADD COLUMN "closed_on" DATE;
ALTER TABLE "cash_shift" ADD COLUMN "register" TEXT;
ALTER TABLE "cash_shift" ADD COLUMN "counted" BIGINT;
ALTER TABLE "cash_shift" ADD COLUMN "expected" BIGINT;
DROP TABLE "fiscal_receipt";
CREATE TABLE "cash_operation" ("id" UUID NOT NULL PRIMARY KEY, "key" TEXT NOT NULL, "shift_id" UUID NOT NULL, "receipt_number" TEXT NOT NULL, "account_id" UUID NOT NULL, "amount" BIGINT NOT NULL, "cash" BIGINT NOT NULL, "card" BIGINT NOT NULL, "change" BIGINT NOT NULL, "approval" TEXT, "period" VARCHAR(7), "items" TEXT NOT NULL, "state" VARCHAR(10) NOT NULL, "fiscal_before" INTEGER, "fiscal_document" INTEGER, "fiscal_sign" TEXT, "payment_id" UUID, "created_at" TEXT NOT NULL, "printed_at" TEXT, "reason" TEXT, FOREIGN KEY ("shift_id") REFERENCES "cash_shift" ("id") ON DELETE RESTRICT, FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT, FOREIGN KEY ("payment_id") REFERENCES "payment" ("id") ON DELETE RESTRICT, CONSTRAINT uq_cash_operation_key UNIQUE (key), CONSTRAINT uq_cash_operation_receipt UNIQUE (receipt_number), CONSTRAINT uq_cash_operation_payment UNIQUE (payment_id), CONSTRAINT ck_cash_operation_state CHECK (state IN ('journaled', 'done', 'failed')), CONSTRAINT ck_cash_operation_amount CHECK (amount > 0));
CREATE INDEX "cash_operation_shift_id" ON "cash_operation" ("shift_id");
CREATE INDEX "cash_operation_account_id" ON "cash_operation" ("account_id");
