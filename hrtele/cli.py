"""Command-line interface: `flask --app hrtele <command>`; commands call services only."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    from hrtele.commands import register_commands

    register_commands(app)
