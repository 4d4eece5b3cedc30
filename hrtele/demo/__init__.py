"""Demonstration data: a fictitious employer loaded by `flask --app hrtele demo-data`."""
