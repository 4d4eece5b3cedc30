"""Employer telework policy, employer identity and staff categories (admin saves, HR reads)."""
