-- Step 14 (issue 11): what each account's money position carries into the next month (bcenter.engine.carry),
-- written by close, read by the next close and the open month's balances and bills; a local cache, never synced.
CREATE TABLE "account_carry" ("account_id" UUID NOT NULL PRIMARY KEY, "period" VARCHAR(7) NOT NULL, "state" BYTEA NOT NULL);
