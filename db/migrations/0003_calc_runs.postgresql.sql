-- Step 3: the month run's bookkeeping (runs and basis fingerprints per house × period).
CREATE TABLE "calc_run" ("id" UUID NOT NULL PRIMARY KEY, "period" VARCHAR(7) NOT NULL, "started_at" TEXT NOT NULL, "finished_at" TEXT, "outbox_seq" BIGINT NOT NULL, "houses_ok" INTEGER NOT NULL, "houses_failed" INTEGER NOT NULL, "lines" INTEGER NOT NULL, "actor" TEXT NOT NULL);
CREATE TABLE "calc_state" ("house_id" UUID NOT NULL, "period" VARCHAR(7) NOT NULL, "basis_hash" VARCHAR(64) NOT NULL, "run_id" UUID NOT NULL, PRIMARY KEY ("house_id", "period"));
