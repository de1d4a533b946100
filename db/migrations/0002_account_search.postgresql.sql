-- Full-text search over accounts (tsvector + GIN): `folded` holds number, address and names with ё folded to е.
CREATE TABLE account_search (
    account_id UUID PRIMARY KEY REFERENCES account (id),
    number TEXT NOT NULL,
    address TEXT NOT NULL,
    names TEXT NOT NULL,
    folded TEXT NOT NULL,
    document tsvector GENERATED ALWAYS AS (to_tsvector('simple', folded)) STORED
);
CREATE INDEX ix_account_search_document ON account_search USING GIN (document);
