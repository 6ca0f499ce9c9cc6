"""Routes of the users domain, one module per surface."""
