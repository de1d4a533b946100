-- Step 28 (issue 15): a meter's life — the meter it replaced (meter.replaces_id: the new meter's average uses both
-- meters' history) and its seals and faults (meter_event; a fault puts it out of order until a verification);
-- a verification keeps its exchange id (meter_verification.ext_id): seals, faults and verifications travel.
ALTER TABLE "meter" ADD COLUMN "replaces_id" UUID REFERENCES "meter" ("id") ON DELETE RESTRICT;
CREATE TABLE "meter_event" ("id" UUID NOT NULL PRIMARY KEY, "ext_id" TEXT, "meter_id" UUID NOT NULL, "kind" VARCHAR(10) NOT NULL, "date" DATE NOT NULL, "seal" TEXT, "document" TEXT, "note" TEXT, "extra" TEXT, FOREIGN KEY ("meter_id") REFERENCES "meter" ("id") ON DELETE RESTRICT, CONSTRAINT uq_meter_event_ext_id UNIQUE (ext_id), CONSTRAINT ck_meter_event_kind CHECK (kind IN ('seal', 'fault')));
CREATE INDEX "meter_event_meter_id" ON "meter_event" ("meter_id");
ALTER TABLE "meter_verification" ADD COLUMN "ext_id" TEXT;
ALTER TABLE "meter_verification" ADD COLUMN "extra" TEXT;
CREATE UNIQUE INDEX "meter_verification_ext_id" ON "meter_verification" ("ext_id");
