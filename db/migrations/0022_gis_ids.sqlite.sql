-- Step 22 (issue 13): the identifiers ГИС ЖКХ gives — an account's ЕЛС (единый лицевой счёт) and идентификатор ЖКУ,
-- and a month's payment document's ИПД — printed on the ЕПД when known, so that banks and ГИС ЖКХ match payments.
ALTER TABLE "account" ADD COLUMN "els" TEXT;
ALTER TABLE "account" ADD COLUMN "gis_id" TEXT;
CREATE TABLE "payment_document" ("id" UUID NOT NULL PRIMARY KEY, "ext_id" TEXT, "account_id" UUID NOT NULL, "period" VARCHAR(7) NOT NULL, "ipd" TEXT NOT NULL, "extra" TEXT, FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT, CONSTRAINT uq_payment_document_ext_id UNIQUE (ext_id), CONSTRAINT uq_payment_document_account_period UNIQUE (account_id, period), CONSTRAINT uq_payment_document_ipd UNIQUE (ipd));
