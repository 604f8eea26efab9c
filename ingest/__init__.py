"""The ingest job: a folder of articles into the store (`python -m ingest [PATH]`)."""
