"""Indexes for large employers (100,000 employees): list orders, searches, to-do, payroll.

Declared apart from the models so that each index says which page it serves; every one is
created by migration i11_scale (bench/bench_scale.py measures the pages).
"""

from sqlalchemy import Index

from hrtele.models.agreement import Agreement
from hrtele.models.cache import AllowanceLine
from hrtele.models.employee import Employee
from hrtele.models.place import Place
from hrtele.models.post import Post
from hrtele.models.request import TeleworkRequest

SCALE_INDEXES = (
    # Agreements list (newest start first) and its deep pages.
    Index("ix_agreements_start_date_id", Agreement.start_date, Agreement.id),
    # Payroll fingerprint (max updated_dt) and to-do sections by status.
    Index("ix_agreements_updated_dt", Agreement.updated_dt),
    Index("ix_agreements_status_kind", Agreement.status, Agreement.kind),
    # Employees list (by name) and the allowance page's order.
    Index("ix_employees_name", Employee.last_name, Employee.first_name, Employee.id),
    Index("ix_employees_updated_dt", Employee.updated_dt),
    # Requests list (newest first) and the « pending » to-do section.
    Index("ix_telework_requests_date_id", TeleworkRequest.request_date, TeleworkRequest.id),
    # Priority return: vacant non-telework posts of a category, found per candidate in O(log n)
    # (without it the to-do page compared every candidate with every post of its category).
    Index("ix_posts_vacancy", Post.category_id, Post.is_vacant, Post.is_eligible),
    Index("ix_places_list", Place.kind, Place.name, Place.id),
    # To-do sections: each one is an index range (few rows), not a scan of every agreement.
    Index("ix_agreements_interview_due", Agreement.annual_interview_due_date),
    Index("ix_agreements_insurance_received", Agreement.insurance_received_date),
    Index("ix_agreements_insurance_expiry", Agreement.insurance_expiry_date),
    Index("ix_agreements_electrical", Agreement.electrical_statement_date),
    Index("ix_agreements_end_date", Agreement.end_date),
    Index("ix_agreements_pending_amendment", Agreement.has_pending_amendment),
    # A month's stored allowance lines, a page at a time.
    Index("ix_allowance_lines_page", AllowanceLine.month_key, AllowanceLine.position),
)
