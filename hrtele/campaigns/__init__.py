"""Bulk campaigns: plan (dry run), start, follow, cancel, download; processed by huey jobs."""
