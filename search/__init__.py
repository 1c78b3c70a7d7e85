"""Full-text search for Indonesian news, as a library (no web framework in here).

Modules, one job each:
- article:  the `Article` record every reader produces and the index stores.
- dates:    Indonesian dates ("Selasa, 09 Apr 2019 14:05 WIB") to ISO 8601.
- extract:  clean articles out of HTML pages and plain-text dumps.
- sources:  walk paths and read HTML, text dumps, JSON lines, JSON arrays and CSV into articles.
- analysis: the Indonesian analyser (tokenise, normalise, stop words, cached Sastrawi stemming).
- schema:   the Whoosh schema and the analyser/schema version recorded in each index.
- indexing: full and incremental builds, atomic switch-over, locking, stats.
- query:    ranked search, filters, sort, paging, suggestions; facets and snippets beside it.
"""
