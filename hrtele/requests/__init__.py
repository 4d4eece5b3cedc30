"""Telework request screens (HR): record, accept, refuse, withdraw."""
