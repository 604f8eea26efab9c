"""The HTTP shell: routes, request and response schemas, problem responses, API docs, SSE."""
