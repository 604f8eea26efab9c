"""What wraps every request before a route sees it: keys, CORS, rate limits, body caps."""
