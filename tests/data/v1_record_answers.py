"""Record what version 1 (commit 59faea6) answers on its own demo data, 05/12/2026."""
import json
import sys
from datetime import date

from hrtele import clock, create_app
from hrtele.allowances.services import compute_month
from hrtele.extensions import db
from hrtele.lifecycle import services as lc
from hrtele.models import Agreement, IssuedDocument, TeleworkRequest

app = create_app()
D = date(2026, 12, 5)
out = {"agreements": {}, "requests": {}, "documents": {}, "allowances": {}}
with app.app_context(), clock.freeze(D):
    for a in db.session.scalars(db.select(Agreement).order_by(Agreement.id)):
        row = {k: (str(getattr(a, k)) if getattr(a, k) is not None else None) for k in (
            "status", "kind", "employee_id", "days_per_week", "weekly_pattern", "place_id", "second_place_id",
            "start_date", "end_date", "adaptation_end_date", "annual_interview_due_date",
            "amendment_version", "ending_notification_date", "ending_effective_date", "ending_notice_days",
            "allowance_scheme", "allowance_amount")}
        if a.status in ("adaptation", "active", "suspended") and a.kind == "regular":
            phase = lc.notice_phase(a, D)
            row["phase"] = phase
            row["notice_days"] = lc.notice_days(a, phase)
            row["earliest_end_if_notified_today"] = str(lc.earliest_end_date(a, D, D))
        out["agreements"][a.id] = row
    for r in db.session.scalars(db.select(TeleworkRequest).order_by(TeleworkRequest.id)):
        out["requests"][r.id] = {k: str(getattr(r, k)) for k in ("employee_id", "status", "request_date", "wished_days", "wished_pattern", "decision_date")}
    for d in db.session.scalars(db.select(IssuedDocument).order_by(IssuedDocument.id)):
        out["documents"][d.id] = {"reference": d.reference, "kind": d.kind, "version": d.version, "sha256": d.sha256,
                                  "size": d.size, "agreement_id": d.agreement_id, "template_version": d.template_version}
    for (y, m) in ((2026, 10), (2026, 11)):
        pm = compute_month(y, m)
        out["allowances"][f"{y}-{m:02d}"] = {ln.personnel_number: {"days": str(ln.days), "amount": str(ln.amount)} for ln in pm.lines}
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=True)
