"""Catalogue of refusal reasons (HR)."""
