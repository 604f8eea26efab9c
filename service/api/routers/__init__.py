"""HTTP routes: thin, they validate, call a service and shape the response."""
