-- Step 31 (issue 17, pull and merge): the outbox's transaction id. SQLite has one writer at a time, so rows commit in the order
-- of their seq and the feed's cursor needs no more: xid stays 0 and the feed reads by (xid, seq) on both databases
-- (sync/pull.py).
ALTER TABLE "outbox" ADD COLUMN "xid" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "outbox_xid_seq" ON "outbox" ("xid", "seq");
ALTER TABLE "outbox" ADD COLUMN "hlc" TEXT;
-- The hybrid logical clock of each field's last write (newer wins for contacts and free text), and at the
-- server the queue of conflicting edits (sync/conflicts.py).
CREATE TABLE "sync_field_clock" ("table_name" TEXT NOT NULL, "row_id" UUID NOT NULL, "field" TEXT NOT NULL, "hlc" TEXT NOT NULL, PRIMARY KEY ("table_name", "row_id", "field"));
CREATE TABLE "sync_conflict" ("id" UUID NOT NULL PRIMARY KEY, "site_id" UUID NOT NULL, "batch_id" TEXT NOT NULL, "table_name" TEXT NOT NULL, "row_id" UUID NOT NULL, "field" TEXT NOT NULL, "policy" TEXT NOT NULL, "base" TEXT, "theirs" TEXT, "ours" TEXT, "state" TEXT NOT NULL, "raised_at" TEXT NOT NULL, "resolved_at" TEXT, "resolved_by" TEXT);
CREATE INDEX "sync_conflict_state_raised_at" ON "sync_conflict" ("state", "raised_at");
