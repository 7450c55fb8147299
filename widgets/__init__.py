"""Textual widgets of the console: pure views of `api_client` models (no HTTP, no config)."""
