-- Full-text search over accounts: number, address and the names of holders and residents (FTS5).
CREATE VIRTUAL TABLE account_search USING fts5(
    account_id UNINDEXED, number, address, names,
    tokenize = 'unicode61 remove_diacritics 2'
);
