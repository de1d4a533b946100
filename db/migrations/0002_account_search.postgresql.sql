-- Full-text search over accounts: number, address and the names of holders and residents (tsvector + GIN).
CREATE TABLE account_search (
    account_id UUID PRIMARY KEY REFERENCES account (id),
    number TEXT NOT NULL,
    address TEXT NOT NULL,
    names TEXT NOT NULL,
    document tsvector GENERATED ALWAYS AS (to_tsvector('simple', number || ' ' || address || ' ' || names)) STORED
);
CREATE INDEX ix_account_search_document ON account_search USING GIN (document);
