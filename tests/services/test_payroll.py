"""Payroll export: amounts checked against hand computations for each scheme (both databases).

Reference month: November 2026 (30 days). 1 November is a Sunday; 11 November (Armistice) is
a Wednesday. Pattern "11001100000000" = Monday and Wednesday, full days (2 days a week):
Mondays 2, 9, 16, 23, 30 and Wednesdays 4, 18, 25 (11 is a holiday) -> 8 days teleworked.
From Monday 16 November: 16, 23, 30 and 18, 25 -> 5 days.
URSSAF 2026 row of the reference file: 11,00 € per weekly day per month, 2,70 € per day,
59,40 € a month at most.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hrtele.allowances import ceilings as ceiling_service
from hrtele.allowances.services import (
    CSV_HEADER,
    close_month,
    compute_month,
    csv_bytes,
    get_export,
    parse_month,
)
from hrtele.domain.allowances import AllowanceTerms, monthly_allowance, suspended_days
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Absence, AuditEntry, PayrollExport, UrssafCeiling
from tests.factories import make_agreement, make_employee, make_policy

NOV = (2026, 11)
MON_WED = "11001100000000"
TODAY = date(2026, 11, 28)


def agreement(last_name: str, scheme: str, amount: str, **kw):
    """An active agreement of a new employee, Monday + Wednesday, started long ago."""
    employee = make_employee(last_name=last_name, first_name="Alex",
                             personnel_number=kw.pop("personnel_number", f"M-{last_name}"))
    defaults = dict(
        employee_id=employee.id,
        status="active",
        start_date=date(2026, 1, 5),
        adaptation_end_date=date(2026, 4, 4),
        weekly_pattern=MON_WED,
        days_per_week=Decimal("2"),
        allowance_scheme=scheme,
        allowance_amount=Decimal(amount),
    )
    defaults.update(kw)
    return make_agreement(**defaults)


def line_of(payroll, last_name):
    """The row of one employee."""
    (line,) = [x for x in payroll.lines if x.last_name == last_name]
    return line


def money(text: str) -> Decimal:
    return Decimal(text)


# --------------------------------------------------------------------------- schemes


SCHEME_CASES = [
    # (name, scheme, amount, agreement overrides, days, gross, exempt, excess)
    # 10 € × 2 weekly days = 20 €; limit 11 € × 2 = 22 € -> all exempt.
    ("Hebdo", "per_weekly_day", "10.00", {}, "8", "20.00", "20.00", "0.00"),
    # 3 € × 8 days (holiday of 11 Nov excluded) = 24 €; limit 2,70 € × 8 = 21,60 €.
    ("Jour", "per_day", "3.00", {}, "8", "24.00", "21.60", "2.40"),
    # Flat 30 €, start Monday 16 Nov: 15/30 of the month = 15 €; limit 11 × 2 × 15/30 = 11 €.
    ("ForfaitMi", "flat_monthly", "30.00", {"start_date": date(2026, 11, 16)},
     "5", "15.00", "11.00", "4.00"),
    # Flat 30 €, whole month: 30 €; limit 22 € -> 8 € subject to contributions.
    ("Forfait", "flat_monthly", "30.00", {}, "8", "30.00", "22.00", "8.00"),
    # One-off 100 € paid in the starting month; limit 2,70 € × 5 days = 13,50 €.
    ("Unique", "one_off", "100.00", {"start_date": date(2026, 11, 16)},
     "5", "100.00", "13.50", "86.50"),
    # Per weekly day 10 € × 2, start 16 Nov: 20 × 15/30 = 10 €; limit 22 × 15/30 = 11 €.
    ("HebdoMi", "per_weekly_day", "10.00", {"start_date": date(2026, 11, 16)},
     "5", "10.00", "10.00", "0.00"),
    # Per day 3 €, start 16 Nov: 5 days = 15 €; limit 13,50 €.
    ("JourMi", "per_day", "3.00", {"start_date": date(2026, 11, 16)},
     "5", "15.00", "13.50", "1.50"),
    # No allowance: the row is still exported (days teleworked), 0 €.
    ("Aucune", "none", "0.00", {}, "8", "0.00", "0.00", "0.00"),
]


def test_each_scheme_against_hand_computation(db_session):
    for name, scheme, amount, kw, *_ in SCHEME_CASES:
        agreement(name, scheme, amount, **kw)
    payroll = compute_month(*NOV)
    assert len(payroll.lines) == len(SCHEME_CASES)
    for name, _scheme, _amount, _kw, days, gross, exempt, excess in SCHEME_CASES:
        line = line_of(payroll, name)
        assert (line.days, line.amount, line.exempt, line.excess) == (
            Decimal(days), Decimal(gross), Decimal(exempt), Decimal(excess)), name
        assert line.amount == line.exempt + line.excess
    # The one-off allowance is paid once: nothing in December.
    assert line_of(compute_month(2026, 12), "Unique").amount == Decimal("0.00")


def test_public_holiday_month_per_day(db_session):
    """May 2026: 1, 8, 14 (Ascension, Thursday) and 25 (Whit Monday) are holidays.

    Pattern Monday + Thursday: Mondays 4, 11, 18 (25 is a holiday) and Thursdays 7, 21, 28
    (14 is Ascension) -> 6 days; 4 € × 6 = 24 €; limit 2,70 × 6 = 16,20 €.
    """
    agreement("Mai", "per_day", "4.00", weekly_pattern="11000011000000")
    line = line_of(compute_month(2026, 5), "Mai")
    assert (line.days, line.amount, line.exempt, line.excess) == (
        Decimal(6), Decimal("24.00"), Decimal("16.20"), Decimal("7.80"))


def test_agreement_cap_then_policy_cap(db_session):
    # 40 € × 2 = 80 €, capped by the agreement at 50 €; exempt 22 €.
    agreement("Plafond", "per_weekly_day", "40.00", allowance_monthly_cap=Decimal("50.00"))
    # Same terms without an agreement cap: the policy cap (45 €) applies.
    agreement("Politique", "per_weekly_day", "40.00")
    make_policy(allowance_monthly_cap=Decimal("45.00"))
    payroll = compute_month(*NOV)
    capped = line_of(payroll, "Plafond")
    assert (capped.amount, capped.exempt, capped.excess) == (
        Decimal("50.00"), Decimal("22.00"), Decimal("28.00"))
    policy = line_of(payroll, "Politique")
    assert (policy.amount, policy.exempt, policy.excess) == (
        Decimal("45.00"), Decimal("22.00"), Decimal("23.00"))
    # The policy pays 10 € per weekly day: 40 € is the agreement's own allowance.
    assert "indemnité propre à l'accord" in " ".join(policy.notes)


def test_absences_reduce_days_and_per_day_amount(db_session):
    a = agreement("Absent", "per_day", "3.00")
    db.session.add(Absence(employee_id=a.employee_id, absence_date=date(2026, 11, 9)))
    db.session.add(Absence(employee_id=a.employee_id, absence_date=date(2026, 11, 10)))  # Tuesday
    db.session.add(Absence(employee_id=a.employee_id, absence_date=date(2026, 10, 5)))  # other month
    db.session.commit()
    line = line_of(compute_month(*NOV), "Absent")
    # 8 days - Monday 9 (Tuesday 10 is not a telework day) = 7; 21 € ; limit 18,90 €.
    assert (line.days, line.amount, line.exempt, line.excess) == (
        Decimal(7), Decimal("21.00"), Decimal("18.90"), Decimal("2.10"))
    assert "indemnité propre à l'accord" in " ".join(line.notes)  # per day, not the policy's


def test_suspension_days_are_excluded(db_session):
    """Suspended 1–10 Nov: prorata 20/30; days 16, 23, 30, 18, 25 = 5.

    20 € × 20/30 = 13,33 €; limit 22 × 20/30 = 14,67 € -> all exempt.
    """
    agreement("Suspendu", "per_weekly_day", "10.00", status="active",
              suspension_start_date=date(2026, 10, 20), suspension_end_date=date(2026, 11, 10))
    line = line_of(compute_month(*NOV), "Suspendu")
    assert (line.days, line.amount, line.exempt, line.excess) == (
        Decimal(5), Decimal("13.33"), Decimal("13.33"), Decimal("0.00"))


def test_open_suspension_counts_only_while_suspended(db_session):
    # Still suspended since 16 Nov (no end): 15/30 of 20 € = 10 €; days 2, 9, 4 = 3.
    agreement("EnCours", "per_weekly_day", "10.00", status="suspended",
              suspension_start_date=date(2026, 11, 16))
    # Back to active with a stale open suspension: ignored (it was resumed).
    agreement("Repris", "per_weekly_day", "10.00", status="active",
              suspension_start_date=date(2026, 11, 16))
    payroll = compute_month(*NOV)
    suspended = line_of(payroll, "EnCours")
    assert (suspended.days, suspended.amount) == (Decimal(3), Decimal("10.00"))
    assert line_of(payroll, "Repris").amount == Decimal("20.00")


def test_suspension_outside_the_month_changes_nothing(db_session):
    """A suspension that does not touch the month leaves domain.monthly_allowance unchanged."""
    ceilings = ceiling_service.current_ceilings()
    terms = AllowanceTerms("per_day", Decimal("3.00"), None, MON_WED, date(2026, 11, 16))
    no_overlap = suspended_days((date(2026, 12, 1), date(2026, 12, 31)), 2026, 11)
    assert no_overlap == frozenset()
    assert monthly_allowance(terms, 2026, 11, frozenset(), ceilings, suspended=no_overlap) == \
        monthly_allowance(terms, 2026, 11, frozenset(), ceilings)


def test_ending_and_mid_month_change_of_agreement(db_session):
    """Ended on 15 Nov (first day without telework 16 Nov), new agreement from 16 Nov.

    Old: 20 € × 15/30 = 10 € (days 2, 9, 4 = 3). New, per day 3 €: 5 days = 15 €.
    One row: 8 days, 25 €; exempt 10 € (weekly limit 11 €) + 13,50 € (2,70 × 5) = 23,50 €.
    """
    old = agreement("Relais", "per_weekly_day", "10.00", status="ended",
                    ending_effective_date=date(2026, 11, 16), personnel_number="R1")
    make_agreement(employee_id=old.employee_id, status="active", start_date=date(2026, 11, 16),
                   weekly_pattern=MON_WED, allowance_scheme="per_day",
                   allowance_amount=Decimal("3.00"))
    line = line_of(compute_month(*NOV), "Relais")
    assert len(line.agreement_ids) == 2
    assert (line.days, line.amount, line.exempt, line.excess) == (
        Decimal(8), Decimal("25.00"), Decimal("23.50"), Decimal("1.50"))
    assert " + " in line.reference and " + " in line.scheme_label


def test_which_agreements_count(db_session):
    agreement("Brouillon", "per_weekly_day", "10.00", status="draft")
    agreement("Signe", "per_weekly_day", "10.00", status="signed")
    agreement("Abandon", "per_weekly_day", "10.00", status="cancelled")
    agreement("Futur", "per_weekly_day", "10.00", status="active",
              start_date=date(2026, 12, 1))
    agreement("Fini", "per_weekly_day", "10.00", status="ended",
              ending_effective_date=date(2026, 11, 1))  # last day 31 Oct
    agreement("Adapt", "per_weekly_day", "10.00", status="adaptation")
    agreement("Preavis", "per_weekly_day", "10.00", status="ending",
              ending_effective_date=date(2026, 12, 15))
    agreement("SansDate", "per_weekly_day", "10.00", status="ended")
    payroll = compute_month(*NOV)
    names = {line.last_name for line in payroll.lines}
    assert names == {"Adapt", "Preavis"}
    assert any("SansDate" in a.upper() or "SANSDATE" in a for a in payroll.anomalies)


def test_floating_days_use_the_weekly_volume(db_session):
    agreement("Flottant", "per_weekly_day", "10.00", weekly_pattern="00000000000000",
              days_per_week=Decimal("1.5"))
    line = line_of(compute_month(*NOV), "Flottant")
    assert line.amount == Decimal("15.00")
    assert line.notes


def test_month_without_known_ceiling_is_all_excess(db_session):
    agreement("Futur2027", "per_weekly_day", "10.00")
    line = line_of(compute_month(2027, 3), "Futur2027")
    assert (line.amount, line.exempt, line.excess) == (
        Decimal("20.00"), Decimal("0.00"), Decimal("20.00"))
    assert line.ceiling_label == "aucun plafond connu"


# --------------------------------------------------------------------------- CSV


def test_csv_format_for_french_payroll_tools(db_session):
    agreement("Éloïse", "per_day", "3.00", personnel_number="A001")
    agreement("=HYPERLINK(\"http://x\")", "per_weekly_day", "10.00", personnel_number="A002")
    data = csv_bytes(compute_month(*NOV))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["A001"][1:] == [
        "Éloïse", "Alex", f"ACC-{by_number['A001'][3][4:]}", "2026-11", "8",
        "Montant par jour télétravaillé (plafond mensuel)", "24,00", "21,60", "2,40"]
    # Formula injection neutralised.
    assert by_number["A002"][1].startswith("'=")


def test_csv_reference_uses_the_latest_amendment(db_session):
    a = agreement("Ref", "per_weekly_day", "10.00", personnel_number="REF1")
    for version, ref in ((1, "AV-2026-0001"), (2, "AV-2026-0002")):
        db.session.execute(sa.text(
            "INSERT INTO issued_documents (reference, kind, version, employee_id, agreement_id, "
            "pdf_bytes, sha256, size, snapshot_json, template_version, issued_dt, is_superseded) "
            "VALUES (:r, 'amendment', :v, :e, :a, :b, :h, 1, '{}', 't', :d, :s)"
        ), {"r": ref, "v": version, "e": a.employee_id, "a": a.id, "b": b"x", "h": "0" * 64,
            "d": "2026-11-01 10:00:00+00:00", "s": version == 1})
    db.session.commit()
    assert line_of(compute_month(*NOV), "Ref").reference == "AV-2026-0002"


# --------------------------------------------------------------------------- closing


def test_close_stores_bytes_once_and_serves_them_unchanged(db_session):
    a = agreement("Clos", "per_day", "3.00")
    export = close_month(*NOV, None, TODAY)
    db.session.commit()
    assert export.sha256 == hashlib.sha256(export.csv_bytes).hexdigest()
    assert export.row_count == 1
    first = bytes(export.csv_bytes)
    # Data change after closing: the stored export does not move.
    a.allowance_amount = Decimal("5.00")
    db.session.commit()
    assert bytes(get_export(*NOV).csv_bytes) == first
    assert csv_bytes(compute_month(*NOV)) != first
    with pytest.raises(BusinessRuleError, match="déjà clôturé"):
        close_month(*NOV, None, TODAY)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(PayrollExport.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "export", AuditEntry.object_type == "payroll_exports")) == 1


def test_closed_export_is_append_only_in_the_database(db_session):
    agreement("Trigger", "per_day", "3.00")
    close_month(*NOV, None, TODAY)
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("UPDATE payroll_exports SET csv_bytes = :b"), {"b": b"x"})
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("DELETE FROM payroll_exports"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(PayrollExport.id))) == 1


def test_future_month_cannot_be_closed(db_session):
    with pytest.raises(BusinessRuleError, match="n'a pas commencé"):
        close_month(2026, 12, None, TODAY)


@pytest.mark.parametrize("text", ["2026-13", "26-11", "2026/11", "abcd-ef", "1999-12", "٢٠٢٦-١١",
                                  "2026-1", "2026-011"])
def test_parse_month_refuses_bad_input(text):
    with pytest.raises(ValueError, match="Mois invalide"):
        parse_month(text, TODAY)


def test_parse_month_default_and_valid():
    assert parse_month("", TODAY) == (2026, 11)
    assert parse_month(" 2025-02 ", TODAY) == (2025, 2)


# --------------------------------------------------------------------------- ceilings


def test_ceilings_are_seeded_when_empty_and_reset(db_session):
    assert db.session.scalar(sa.select(sa.func.count(UrssafCeiling.id))) == 0
    rows = ceiling_service.current_ceilings()
    assert len(rows) == len(ceiling_service.reference_ceilings()) == 5
    db.session.commit()
    row = ceiling_service.list_rows()[-1]
    ceiling_service.update_row(row, {**asdict(rows[-1]), "per_day": Decimal("3.00")},
                               row.version, None)
    db.session.commit()
    assert ceiling_service.current_ceilings()[-1].per_day == Decimal("3.00")
    ceiling_service.reset_from_reference(None)
    db.session.commit()
    assert ceiling_service.current_ceilings() == ceiling_service.reference_ceilings()


CEILING_ERRORS = [
    ({"valid_from": date(2025, 6, 1), "valid_to": date(2026, 3, 31)}, "chevauchent"),
    ({"per_day": Decimal("-1.00")}, "négatif"),
    ({"per_day": Decimal("2.705")}, "centime"),
    ({"per_day": None, "per_weekly_day_monthly": None}, "au moins un barème"),
]


def test_ceiling_edits_follow_parse_ceilings_rules(db_session):
    ceiling_service.current_ceilings()
    db.session.commit()
    for change, message in CEILING_ERRORS:
        row = ceiling_service.list_rows()[-1]
        data = {**asdict(ceiling_service.to_ceiling(row)), **change}
        with pytest.raises(BusinessRuleError, match=message):
            ceiling_service.update_row(row, data, row.version, None)
        db.session.rollback()
    assert ceiling_service.current_ceilings() == ceiling_service.reference_ceilings()


def test_edited_ceiling_changes_the_exempt_part(db_session):
    agreement("Bareme", "per_day", "3.00")
    ceiling_service.current_ceilings()
    db.session.commit()
    row = ceiling_service.list_rows()[-1]
    data = {**asdict(ceiling_service.to_ceiling(row)), "per_day": Decimal("3.00"),
            "monthly_cap": Decimal("66.00")}
    ceiling_service.update_row(row, data, row.version, None)
    db.session.commit()
    line = line_of(compute_month(*NOV), "Bareme")
    assert (line.exempt, line.excess) == (Decimal("24.00"), Decimal("0.00"))


def test_cli_seed_export_and_close(app, tmp_path):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-ceilings"])
    assert seeded.exit_code == 0 and "5 période(s)" in seeded.output
    assert "déjà" in runner.invoke(args=["seed-ceilings"]).output
    assert "réinitialisé" in runner.invoke(args=["seed-ceilings", "--reset"]).output
    with app.app_context():
        agreement("Cli", "per_day", "3.00", start_date=date(2026, 10, 5))
    out = tmp_path / "octobre.csv"
    provisional = runner.invoke(args=["payroll-export", "2026-10", "-o", str(out)])
    assert provisional.exit_code == 0, provisional.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and b"M-Cli;Cli;Alex;" in out.read_bytes()
    closed = runner.invoke(args=["payroll-export", "2026-10", "--close", "-o", str(out)])
    assert closed.exit_code == 0 and "Mois clôturé : 1 ligne(s)" in closed.output
    again = runner.invoke(args=["payroll-export", "2026-10", "--close"])
    assert again.exit_code == 1 and "déjà clôturé" in again.output
    bad = runner.invoke(args=["payroll-export", "2026-13"])
    assert bad.exit_code == 2 and "Mois invalide" in bad.output
