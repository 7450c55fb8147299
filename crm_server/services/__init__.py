"""What the API does, one module per concern; each takes a Database and plain values."""
