-- Step 5: the common join of the ledger, the reports and the screens (issue 9): an account with its premises and house.
CREATE VIEW "account_house" AS SELECT a."id" AS account_id, a."number" AS number, a."premises_id" AS premises_id, p."house_id" AS house_id, a."opened" AS opened, a."closed" AS closed FROM "account" a JOIN "premises" p ON p."id" = a."premises_id";
