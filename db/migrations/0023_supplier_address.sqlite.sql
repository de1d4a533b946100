-- Step 23 (issue 13): a payment recipient's address — printed with its phone in its cell of the ЕПД (п. 69 ПП 354).
ALTER TABLE "supplier" ADD COLUMN "address" TEXT;
