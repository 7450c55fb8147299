"""The operator console: a Textual application over `api_client`."""
