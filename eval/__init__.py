"""Evaluation harness for citedqa: ``python -m eval`` scores the service over HTTP."""
