-- Step 6: who holds the database's job lock (issue 10): one row per scope while a writing job runs.
CREATE TABLE "job_lock" ("scope" TEXT NOT NULL PRIMARY KEY, "holder" TEXT NOT NULL, "what" TEXT NOT NULL, "pid" INTEGER NOT NULL, "host" TEXT NOT NULL, "started_at" TEXT NOT NULL);
