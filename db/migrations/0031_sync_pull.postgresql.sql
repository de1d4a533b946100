-- Step 31 (issue 17, pull and merge): every outbox row carries the id of the transaction that wrote it, so the pull feed reads
-- only rows of transactions that are over (xid below the snapshot's xmin) and never skips a row of a transaction
-- that commits after a later one (ARCHITECTURE.md §5; sync/pull.py). Rows written before this step get the step's
-- own transaction id: all of them are over by the time anyone pulls.
ALTER TABLE "outbox" ADD COLUMN "xid" XID8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX "outbox_xid_seq" ON "outbox" ("xid", "seq");
ALTER TABLE "outbox" ADD COLUMN "hlc" TEXT;
-- The hybrid logical clock of each field's last write (newer wins for contacts and free text), and at the
-- server the queue of conflicting edits (sync/conflicts.py).
CREATE TABLE "sync_field_clock" ("table_name" TEXT NOT NULL, "row_id" UUID NOT NULL, "field" TEXT NOT NULL, "hlc" TEXT NOT NULL, PRIMARY KEY ("table_name", "row_id", "field"));
CREATE TABLE "sync_conflict" ("id" UUID NOT NULL PRIMARY KEY, "site_id" UUID NOT NULL, "batch_id" TEXT NOT NULL, "table_name" TEXT NOT NULL, "row_id" UUID NOT NULL, "field" TEXT NOT NULL, "policy" TEXT NOT NULL, "base" TEXT, "theirs" TEXT, "ours" TEXT, "state" TEXT NOT NULL, "raised_at" TEXT NOT NULL, "resolved_at" TEXT, "resolved_by" TEXT);
CREATE INDEX "sync_conflict_state_raised_at" ON "sync_conflict" ("state", "raised_at");
