"""System endpoints (Backend document, "System Endpoints"): health, info, Prometheus metrics and
the generated API documentation."""
