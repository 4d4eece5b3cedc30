"""Telework allowances: URSSAF ceiling table and the monthly payroll export."""
