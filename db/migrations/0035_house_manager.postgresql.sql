-- Step 35 (issue 21): who manages a house and the settlement centre's section (участок) it belongs to — the cuts
-- «управляющие компании, участки» of the reports. The manager by name and ИНН, as an account's holder organization is
-- kept (``account.holder_org_*``): a УК, ТСЖ or ЖСК; none under direct management by the owners.
ALTER TABLE "house" ADD COLUMN "manager_name" TEXT;
ALTER TABLE "house" ADD COLUMN "manager_inn" VARCHAR(12);
ALTER TABLE "house" ADD COLUMN "section" TEXT;
