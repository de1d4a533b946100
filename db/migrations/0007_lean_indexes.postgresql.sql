-- Step 7: indexes the queries use and no others (issue 11). Each dropped index is the first column of another
-- index or unique key of its table, or a foreign key that no query looks up by (the balance snapshot's, the
-- posting's and the charge line's service and supplier).
DROP INDEX IF EXISTS "charge_line_service_id";
DROP INDEX IF EXISTS "charge_line_supplier_id";
DROP INDEX IF EXISTS "balance_snapshot_account_id";
DROP INDEX IF EXISTS "balance_snapshot_service_id";
DROP INDEX IF EXISTS "balance_snapshot_supplier_id";
DROP INDEX IF EXISTS "posting_account_id";
DROP INDEX IF EXISTS "posting_service_id";
DROP INDEX IF EXISTS "posting_supplier_id";
DROP INDEX IF EXISTS "journal_entry_account_id";
DROP INDEX IF EXISTS "payment_account_id";
DROP INDEX IF EXISTS "account_snapshot_account_id";
DROP INDEX IF EXISTS "account_service_account_id";
DROP INDEX IF EXISTS "meter_reading_meter_id";
DROP INDEX IF EXISTS "house_reading_meter_id";
