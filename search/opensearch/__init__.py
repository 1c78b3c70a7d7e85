"""The OpenSearch engine behind the seam (search/backend.py): the same articles, terms and answers as the
Whoosh engine, on a cluster.

Our analyser stays the single source of truth: articles are analysed in Python and sent already analysed
(each position's stem and surface forms joined by "|", which the index's own analyser splits into tokens at
one position), and queries are parsed by the same Whoosh parser, then compiled to the query DSL.

    cluster.py   the address (URL with the alias as path, several hosts for failover), the client, errors
    dsl.py       a parsed query and a request's filters as OpenSearch query DSL
    reading.py   the IndexLocation and SearchBackend a server uses, and stats
    writing.py   settings and mapping, documents, full builds with an alias swap, updates, the writer lock
"""
