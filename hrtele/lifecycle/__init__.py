"""Telework lifecycle: transitions of agreements, follow-up (interviews, attestations,
equipment), priority return and the amendment flow (issue 5)."""
