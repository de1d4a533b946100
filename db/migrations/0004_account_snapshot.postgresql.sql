-- Step 4: what a closed period's bill shows about the account as a whole (issue 4): advance and last payment day.
CREATE TABLE "account_snapshot" ("id" UUID NOT NULL PRIMARY KEY, "period" VARCHAR(7) NOT NULL, "account_id" UUID NOT NULL, "advance" BIGINT NOT NULL, "last_paid_on" DATE, FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT, CONSTRAINT uq_account_snapshot UNIQUE (period, account_id));
CREATE INDEX "account_snapshot_account_id" ON "account_snapshot" ("account_id");
