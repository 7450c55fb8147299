"""The database itself: the tables (`schema`), the engine and its read and write transactions
(`engine`), the migrations and first-run set-up (`migrations`, `bootstrap`), and SQLite's search
index (`fts`). It imports nothing of the services or the API.

The services build the queries that serve requests, over these tables. Storage runs what keeps
the database itself (its schema, its version, its reference data), and builds the one query
that needs its own knowledge: a match in the search index.
"""
