-- Step 30 (issue 17, first step): at the server, the enrolled sites (their secrets' hashes and scopes), the batches
-- sites pushed with the first answer given to each (replayed to a repeat), and the integrity alarms of facts pushed
-- with an existing id and other content.
CREATE TABLE "sync_batch" ("site_id" UUID NOT NULL, "batch_id" TEXT NOT NULL, "from_seq" BIGINT NOT NULL, "to_seq" BIGINT NOT NULL, "status" INTEGER NOT NULL, "response" TEXT NOT NULL, "received_at" TEXT NOT NULL, PRIMARY KEY ("site_id", "batch_id"));
CREATE TABLE "sync_alarm" ("id" UUID NOT NULL PRIMARY KEY, "site_id" UUID NOT NULL, "batch_id" TEXT NOT NULL, "table_name" TEXT NOT NULL, "row_id" UUID NOT NULL, "fields" TEXT NOT NULL, "theirs" TEXT NOT NULL, "ours" TEXT NOT NULL, "raised_at" TEXT NOT NULL);
CREATE TABLE "sync_site" ("site_id" UUID NOT NULL PRIMARY KEY, "code" TEXT NOT NULL, "name" TEXT NOT NULL, "secret_hash" TEXT NOT NULL, "scopes" TEXT NOT NULL, "enrolled_at" TEXT NOT NULL, "active" BOOLEAN NOT NULL);
CREATE UNIQUE INDEX "sync_site_code" ON "sync_site" ("code");
