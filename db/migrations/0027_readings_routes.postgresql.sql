-- Step 27 (issue 15): a meter reading keeps its standing after the named validation rules (status: accepted,
-- confirmed, unconfirmed, rejected — only accepted and confirmed are counted) and the rules' verdicts (checks);
-- readings already kept were accepted. A reader's route: meters in walking order (route, route_stop).
ALTER TABLE "meter_reading" ADD COLUMN "status" VARCHAR(12) NOT NULL DEFAULT 'accepted', ADD CONSTRAINT ck_meter_reading_status CHECK (status IN ('accepted', 'confirmed', 'unconfirmed', 'rejected'));
ALTER TABLE "meter_reading" ADD COLUMN "checks" TEXT;
CREATE TABLE "route" ("id" UUID NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "reader" TEXT, "created_on" DATE NOT NULL, "extra" TEXT, CONSTRAINT uq_route_name UNIQUE (name));
CREATE TABLE "route_stop" ("id" UUID NOT NULL PRIMARY KEY, "route_id" UUID NOT NULL, "position" INTEGER NOT NULL, "meter_id" UUID NOT NULL, FOREIGN KEY ("route_id") REFERENCES "route" ("id") ON DELETE RESTRICT, FOREIGN KEY ("meter_id") REFERENCES "meter" ("id") ON DELETE RESTRICT, CONSTRAINT uq_route_stop_position UNIQUE (route_id, position), CONSTRAINT uq_route_stop_meter UNIQUE (route_id, meter_id));
CREATE INDEX "route_stop_meter_id" ON "route_stop" ("meter_id");
