"""Telework place screens (HR): homes and third places."""
