"""The citedqa HTTP service: `create_app(settings)` in `service.app`, `python -m service` to run."""
