"""1,000 employees through the API give what the CSV import gives, both ways."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hrtele.extensions import db
from hrtele.imports.parsing import read_file
from hrtele.imports.services import apply_plan, build_plan
from tests.api.test_api_writes import records_from_csv
from tests.factories import make_employer, make_post
from tests.services.test_imports import employees_csv

pytestmark = pytest.mark.slow
N = 1000


def _read_all(api) -> dict[str, dict]:
    """Every employee through the paginated list, by personnel number."""
    out: dict[str, dict] = {}
    page = 1
    while True:
        body = api.get(f"/api/v1/employees?per_page=200&page={page}&sort=personnel_number",
                       as_="read").get_json()
        out.update({e["personnel_number"]: e for e in body["items"]})
        if page >= body["pages"]:
            return out
        page += 1


def _as_json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _assert_matches_file(employees: dict[str, dict], csv_text: str) -> None:
    """Each employee read through the API holds the values the import reads in the file."""
    parsed = read_file("employees", csv_text.encode())
    assert len(employees) == len(parsed.rows) == N
    renamed = {"manager_number": "manager_number", "post_code": "post_code",
               "category_code": "category_code"}
    for row in parsed.rows:
        employee = employees[row.values["personnel_number"]]
        for key, value in row.values.items():
            assert employee[renamed.get(key, key)] == _as_json(value), (row.line, key)


def test_thousand_employees_round_trip(app, api):
    with app.app_context():
        make_employer()
        make_post(code="RT-1")
    source = employees_csv(N, post_code="RT-1")

    # 1. Through the API (one batch), read back through the API: the file's values.
    written = api.post("/api/v1/employees/batch", as_="write",
                       json={"items": records_from_csv("employees", source)})
    assert written.status_code == 200, written.data[:500]
    assert written.get_json()["counts"] == {"create": N, "update": 0, "unchanged": 0,
                                            "reject": 0}
    _assert_matches_file(_read_all(api), source)

    # 2. The CSV import of the same file finds nothing to do: the API wrote what it would.
    with app.app_context():
        plan = build_plan("employees", source.encode())
        assert plan.counts == {"create": 0, "update": 0, "unchanged": N, "reject": 0}
        db.session.rollback()

    # 3. The other way: the file changes 1 line in 3 and is imported as a CSV; sending the
    #    changed records through the API then finds nothing to do, and reads match the file.
    lines = source.split("\r\n")
    changed = [lines[0]] + [
        line.replace(";100;", ";90;") if i % 3 == 1 else line
        for i, line in enumerate(lines[1:], start=1)
    ]
    changed_text = "\r\n".join(changed)
    with app.app_context():
        plan = build_plan("employees", changed_text.encode())
        assert plan.counts["update"] > 200 and plan.counts["reject"] == 0
        apply_plan(plan, None)
        db.session.commit()
    again = api.post("/api/v1/employees/batch", as_="write",
                     json={"items": records_from_csv("employees", changed_text)})
    assert again.get_json()["counts"] == {"create": 0, "update": 0, "unchanged": N,
                                          "reject": 0}
    _assert_matches_file(_read_all(api), changed_text)
    one = records_from_csv("employees", changed_text)[6]
    number = one.pop("personnel_number")
    single = api.put(f"/api/v1/employees/{number}", as_="write", json=one)
    assert single.status_code == 200 and single.get_json()["action"] == "unchanged"
