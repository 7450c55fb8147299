"""Deterministic demo content: citizen report texts and synthetic photos."""
