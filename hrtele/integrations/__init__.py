"""Integrations: API tokens that an admin creates for the HR information system or payroll."""
