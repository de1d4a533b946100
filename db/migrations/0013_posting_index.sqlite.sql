-- Step 13 (issue 11): a posting is read by ledger account and period (close), never looked up by its entry.
DROP INDEX IF EXISTS "posting_entry_id";
