"""citedqa's benchmark suite (`python -m bench`): where the time of a RAG service goes.

Measures ingest against the bare encoder, /v1/query over real HTTP against a bare
llama-index service and the encoder alone, and latency and memory as the corpus grows;
writes a Markdown + JSON report and a PNG plot to bench/out/. Speed targets live here
(bench/targets.py), never in timed tests.
"""
