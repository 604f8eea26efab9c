"""What a request leaves behind: request ids, access log, metrics, JSON logs, stage timings."""
