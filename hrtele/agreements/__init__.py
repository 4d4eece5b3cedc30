"""Telework agreements (what the amendment says): list, create, show, edit."""
