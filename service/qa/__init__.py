"""The read path: question -> retrieve -> answer -> cite (entry point: `service.qa.service`)."""
