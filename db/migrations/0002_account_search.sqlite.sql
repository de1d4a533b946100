-- Full-text search over accounts (FTS5): `folded` holds number, address and the names of holders and residents
-- with ё folded to е (people type «Ковалева» for «Ковалёва»); the other columns are what is shown.
CREATE VIRTUAL TABLE account_search USING fts5(
    account_id UNINDEXED, number UNINDEXED, address UNINDEXED, names UNINDEXED, folded,
    tokenize = 'unicode61 remove_diacritics 2'
);
