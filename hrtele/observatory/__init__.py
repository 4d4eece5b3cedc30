"""Telework observatory: figures, charts and the printable edition."""
