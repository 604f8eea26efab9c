"""citedqa core: settings, models, errors, the embedder, the store and the write path.

`ingest/`, `service/` and `eval/` import from here; nothing here imports them.
"""
