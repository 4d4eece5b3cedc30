"""CLI command groups, each in its own module."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

COMMAND_MODULES = ("hrtele.commands.users", "hrtele.commands.demo", "hrtele.commands.payroll",
                   "hrtele.commands.lifecycle", "hrtele.commands.signatures")


def register_commands(app: Flask) -> None:
    """Add every command module's `commands` list to app.cli."""
    for name in COMMAND_MODULES:
        for command in import_module(name).commands:
            app.cli.add_command(command)
