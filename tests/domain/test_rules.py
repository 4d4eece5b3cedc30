"""Telework rules engine: every rule, violated and not violated, table-driven."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from hrtele.domain import rules
from hrtele.domain.terms import (
    AgreementTerms,
    EmployeeTerms,
    PolicyTerms,
    PostTerms,
    RequestTerms,
    Violation,
)

NBSP = "\u00a0"
TODAY = date(2013, 1, 25)

# Legal bases, short names for the tables below.
ADAPT = rules.BASIS_ADAPTATION
COND = rules.BASIS_CONDITIONS
SLOTS = rules.BASIS_CONTACT_SLOTS
CONTRACT = rules.BASIS_CONTRACT
COSTS = rules.BASIS_COSTS
ELEC = rules.BASIS_ELECTRICAL
EQUIP = rules.BASIS_EQUIPMENT
POLICY = rules.BASIS_POLICY
REGULAR = rules.BASIS_REGULAR
REVERS = rules.BASIS_REVERSIBILITY
TIME = rules.BASIS_TIME_CONTROL
VOL = rules.BASIS_VOLUNTARY
WORKORG = rules.BASIS_WORK_ORGANISATION

# --------------------------------------------------------------------------------------------
# Factories: valid terms, overridable field by field
# --------------------------------------------------------------------------------------------


def make_policy(**overrides) -> PolicyTerms:
    """A typical policy: 2 days max, half days allowed, 3 days on site, 6 months' seniority."""
    base = PolicyTerms(
        max_days_per_week=D("2"),
        half_days_allowed=True,
        min_onsite_days_per_week=D("3"),
        seniority_months=6,
        adaptation_months=3,
        notice_days_during_adaptation=15,
        notice_days_after_adaptation=30,
        allowance_scheme="per_weekly_day",
        allowance_amount=D("10.00"),
        allowance_monthly_cap=None,
        insurance_required=True,
        electrical_statement_required=True,
        min_working_time_rate=0,
    )
    return replace(base, **overrides)


def make_post(**overrides) -> PostTerms:
    """An eligible post capped at 2 days."""
    base = PostTerms(
        code="RH-PAIE",
        title="Gestionnaire de paie",
        is_eligible=True,
        ineligibility_reason=None,
        max_days_per_week=D("2"),
    )
    return replace(base, **overrides)


def make_employee(**overrides) -> EmployeeTerms:
    """A full-time active employee hired long ago."""
    base = EmployeeTerms(
        personnel_number="M0042",
        full_name="Camille Lefèvre",
        hire_date=date(2010, 1, 4),
        working_time_rate=100,
        is_active=True,
    )
    return replace(base, **overrides)


def make_request(**overrides) -> RequestTerms:
    """An accepted request for 2 days a week."""
    base = RequestTerms(request_date=date(2013, 1, 7), status="accepted", wished_days=D("2"))
    return replace(base, **overrides)


def make_agreement(**overrides) -> AgreementTerms:
    """A compliant avenant: Monday and Wednesday at home from 1 February 2013."""
    base = AgreementTerms(
        start_date=date(2013, 2, 1),
        end_date=None,
        days_per_week=D("2"),
        weekly_pattern="11001100000000",
        place_kind="home",
        adaptation_months=3,
        adaptation_end_date=date(2013, 4, 30),
        notice_days_during_adaptation=15,
        notice_days_after_adaptation=30,
        contact_slots="De 9 h à 12 h et de 14 h à 17 h",
        time_control="Relevé déclaratif hebdomadaire des heures",
        allowance_scheme="per_weekly_day",
        allowance_amount=D("10.00"),
        insurance_received_date=date(2013, 1, 20),
        electrical_statement_date=date(2013, 1, 20),
        equipment="Ordinateur portable, casque, téléphone mobile",
        reversibility_clause="notice",
    )
    return replace(base, **overrides)


_KEEP = object()


def run_agreement(
    agreement=None,
    post=None,
    employee=None,
    request=_KEEP,
    policy=None,
    today=TODAY,
    activation=False,
) -> list[Violation]:
    """check_agreement on the valid defaults, with the given overrides (dicts of fields)."""
    return rules.check_agreement(
        make_agreement(**(agreement or {})),
        make_post(**(post or {})),
        make_employee(**(employee or {})),
        make_request()
        if request is _KEEP
        else (None if request is None else make_request(**request)),
        make_policy(**(policy or {})),
        today,
        activation=activation,
    )


def triples(violations: list[Violation]) -> Counter:
    """What a test compares: (field, blocking, basis) of each violation, order ignored."""
    return Counter((v.field, v.blocking, v.basis) for v in violations)


def case(case_id, expected, **overrides):
    """One table row: overrides for run_agreement and the expected (field, blocking, basis)."""
    return pytest.param(overrides, expected, id=case_id)


# --------------------------------------------------------------------------------------------
# check_agreement: the table
# --------------------------------------------------------------------------------------------

AGREEMENT_CASES = [
    # Voluntary principle (L1222-9 2012, ANI art. 2)
    case("request-missing", [("request", True, VOL)], request=None),
    case("request-pending", [("request", True, VOL)], request={"status": "pending"}),
    case("request-refused", [("request", True, VOL)], request={"status": "refused"}),
    case("request-withdrawn", [("request", True, VOL)], request={"status": "withdrawn"}),
    case("request-unknown-status", [("request", True, VOL)], request={"status": "lost"}),
    case("request-accepted-undated", [], request={"request_date": None}),
    # Post eligibility
    case("post-not-eligible", [("post", True, POLICY)], post={"is_eligible": False}),
    case(
        "post-not-eligible-with-reason",
        [("post", True, POLICY)],
        post={"is_eligible": False, "ineligibility_reason": "Accueil du public"},
    ),
    # Employee
    case("employee-inactive", [("employee", True, CONTRACT)], employee={"is_active": False}),
    case("rate-zero", [("employee", True, POLICY)], employee={"working_time_rate": 0}),
    case("rate-above-100", [("employee", True, POLICY)], employee={"working_time_rate": 120}),
    case(
        "rate-below-policy-minimum",
        [("employee", False, POLICY)],
        employee={"working_time_rate": 80},
        policy={"min_working_time_rate": 90},
        agreement={"days_per_week": D("1"), "weekly_pattern": "11000000000000"},
    ),
    case(
        "rate-at-policy-minimum",
        [],
        employee={"working_time_rate": 90},
        policy={"min_working_time_rate": 90},
        agreement={"days_per_week": D("1.5"), "weekly_pattern": "11100000000000"},
    ),
    # Seniority at start date (policy: 6 months); start is 1 February 2013
    case(
        "seniority-not-reached",
        [("start_date", True, POLICY)],
        employee={"hire_date": date(2012, 8, 2)},
    ),
    case("seniority-reached-on-start", [], employee={"hire_date": date(2012, 8, 1)}),
    case(
        "seniority-unknown-hire-date", [("employee", False, POLICY)], employee={"hire_date": None}
    ),
    case(
        "seniority-not-required",
        [],
        employee={"hire_date": None},
        policy={"seniority_months": 0},
    ),
    # Days per week: presence and range
    case(
        "days-missing",
        [("days_per_week", True, REGULAR)],
        agreement={"days_per_week": None},
    ),
    case(
        "days-zero",
        [("days_per_week", True, REGULAR)],
        agreement={"days_per_week": D("0"), "weekly_pattern": "00000000000000"},
    ),
    case(
        "days-negative",
        [("days_per_week", True, REGULAR)],
        agreement={"days_per_week": D("-1")},
    ),
    case(
        "days-above-week",
        [("days_per_week", True, WORKORG)],
        agreement={"days_per_week": D("6")},
    ),
    case(
        "days-not-half-multiple",
        [("days_per_week", True, WORKORG)],
        agreement={"days_per_week": D("1.3")},
    ),
    # Caps (post, policy), pro-rated for part time
    case(
        "post-cap-exceeded",
        [("days_per_week", True, POLICY)],
        post={"max_days_per_week": D("1")},
    ),
    case(
        "policy-cap-exceeded",
        [("days_per_week", True, POLICY)],
        policy={"max_days_per_week": D("1.5")},
    ),
    case(
        "no-post-cap-policy-cap-met",
        [],
        post={"max_days_per_week": None},
        policy={"max_days_per_week": D("3"), "min_onsite_days_per_week": D("2")},
        agreement={"days_per_week": D("3"), "weekly_pattern": "11001100110000"},
        request={"wished_days": D("3")},
    ),
    case(
        "no-post-cap-policy-cap-exceeded",
        [("days_per_week", True, POLICY)],
        post={"max_days_per_week": None},
        policy={"max_days_per_week": D("1.5")},
    ),
    case(
        "part-time-cap-exceeded",
        [("days_per_week", True, POLICY)],
        employee={"working_time_rate": 80},
    ),
    case(
        "part-time-cap-met-half-day",
        [],
        employee={"working_time_rate": 80},
        agreement={"days_per_week": D("1.5"), "weekly_pattern": "11100000000000"},
    ),
    case(
        "part-time-cap-rounded-to-day",
        [("days_per_week", True, POLICY)],
        employee={"working_time_rate": 80},
        policy={"half_days_allowed": False},
        agreement={"days_per_week": D("2")},
    ),
    case(
        "part-time-cap-whole-day-met",
        [],
        employee={"working_time_rate": 80},
        policy={"half_days_allowed": False},
        agreement={"days_per_week": D("1"), "weekly_pattern": "11000000000000"},
    ),
    # Half days
    case(
        "half-day-count-forbidden",
        [("days_per_week", True, POLICY), ("weekly_pattern", True, POLICY)],
        policy={"half_days_allowed": False},
        agreement={"days_per_week": D("1.5"), "weekly_pattern": "11100000000000"},
    ),
    case(
        "half-day-pattern-forbidden",
        [("weekly_pattern", True, POLICY)],
        policy={"half_days_allowed": False},
        agreement={"weekly_pattern": "10101010000000"},
    ),
    case(
        "half-day-volume-forbidden-no-fixed-days",
        [("days_per_week", True, POLICY)],
        policy={"half_days_allowed": False},
        agreement={"days_per_week": D("1.5"), "weekly_pattern": "00000000000000"},
    ),
    case(
        "half-days-allowed",
        [],
        agreement={"days_per_week": D("1.5"), "weekly_pattern": "10000000110000"},
    ),
    # On-site minimum
    case(
        "onsite-minimum-broken",
        [("days_per_week", True, POLICY)],
        policy={"min_onsite_days_per_week": D("3.5")},
    ),
    case(
        "onsite-minimum-exactly-met",
        [],
        policy={"min_onsite_days_per_week": D("3")},
    ),
    # More days than the employee asked for
    case(
        "days-above-wished",
        [("days_per_week", False, VOL)],
        request={"wished_days": D("1")},
    ),
    case("days-below-wished", [], request={"wished_days": D("2.5")}),
    case("wished-days-unknown", [], request={"wished_days": None}),
    # Weekly pattern
    case(
        "pattern-does-not-match-days",
        [("weekly_pattern", True, COND)],
        agreement={"weekly_pattern": "11000000000000"},
    ),
    case(
        "pattern-too-short",
        [("weekly_pattern", True, COND)],
        agreement={"weekly_pattern": "11001"},
    ),
    case(
        "pattern-bad-character",
        [("weekly_pattern", True, COND)],
        agreement={"weekly_pattern": "11001x0000"},
    ),
    case("pattern-blank-is-volume", [], agreement={"weekly_pattern": ""}),
    case("pattern-all-zero-is-volume", [], agreement={"weekly_pattern": "00000000000000"}),
    case(
        "pattern-not-compared-when-days-invalid",
        [("days_per_week", True, WORKORG)],
        agreement={"days_per_week": D("7")},
    ),
    # Place
    case("place-missing", [("place_kind", True, COND)], agreement={"place_kind": None}),
    case("place-blank", [("place_kind", True, COND)], agreement={"place_kind": " "}),
    case("place-unknown", [("place_kind", True, COND)], agreement={"place_kind": "office"}),
    case(
        "place-third-place",
        [],
        agreement={"place_kind": "third_place", "electrical_statement_date": None},
    ),
    # Dates
    case("start-missing", [("start_date", True, COND)], agreement={"start_date": None}),
    case(
        "start-before-request",
        [("start_date", True, VOL)],
        agreement={"start_date": date(2013, 1, 6), "adaptation_end_date": None},
    ),
    case(
        "start-on-request-date",
        [],
        agreement={"start_date": date(2013, 1, 7), "adaptation_end_date": None},
    ),
    case(
        "start-back-dated",
        [("start_date", False, COND)],
        agreement={"start_date": date(2012, 12, 24), "adaptation_end_date": None},
        request={"request_date": date(2012, 12, 1)},
    ),
    case(
        "start-31-days-ago",
        [],
        agreement={"start_date": date(2012, 12, 25), "adaptation_end_date": None},
        request={"request_date": date(2012, 12, 1)},
    ),
    case("end-equals-start", [("end_date", True, COND)], agreement={"end_date": date(2013, 2, 1)}),
    case("end-before-start", [("end_date", True, COND)], agreement={"end_date": date(2013, 1, 31)}),
    case("end-after-adaptation", [], agreement={"end_date": date(2013, 12, 31)}),
    # Adaptation period (ANI art. 2)
    case(
        "adaptation-months-missing",
        [("adaptation_months", True, ADAPT)],
        agreement={"adaptation_months": None},
    ),
    case(
        "adaptation-months-negative",
        [("adaptation_months", True, ADAPT)],
        agreement={"adaptation_months": -1, "adaptation_end_date": None},
    ),
    case(
        "adaptation-none",
        [("adaptation_months", False, ADAPT)],
        agreement={
            "adaptation_months": 0,
            "adaptation_end_date": None,
            "notice_days_during_adaptation": None,
        },
    ),
    case(
        "adaptation-too-long",
        [("adaptation_months", False, ADAPT)],
        agreement={"adaptation_months": 13, "adaptation_end_date": None},
    ),
    case(
        "adaptation-twelve-months",
        [],
        agreement={"adaptation_months": 12, "adaptation_end_date": date(2014, 1, 31)},
    ),
    case(
        "adaptation-end-inconsistent",
        [("adaptation_end_date", False, ADAPT)],
        agreement={"adaptation_end_date": date(2013, 5, 15)},
    ),
    case(
        "adaptation-end-day-after-warns",
        [("adaptation_end_date", False, ADAPT)],
        agreement={"adaptation_end_date": date(2013, 5, 1)},
    ),
    case("adaptation-end-derived", [], agreement={"adaptation_end_date": None}),
    case(
        "adaptation-end-before-start",
        [("adaptation_end_date", True, ADAPT)],
        agreement={"adaptation_end_date": date(2013, 1, 31)},
    ),
    case(
        "adaptation-beyond-end-date",
        [("adaptation_end_date", True, ADAPT)],
        agreement={"end_date": date(2013, 4, 15)},
    ),
    case(
        "adaptation-derived-beyond-end-date",
        [("adaptation_months", True, ADAPT)],
        agreement={"end_date": date(2013, 4, 15), "adaptation_end_date": None},
    ),
    case(
        "adaptation-ends-with-agreement",
        [],
        agreement={"end_date": date(2013, 4, 30)},
    ),
    # Notice delays (ANI arts 2 and 3)
    case(
        "notice-during-missing",
        [("notice_days_during_adaptation", True, ADAPT)],
        agreement={"notice_days_during_adaptation": None},
    ),
    case(
        "notice-during-negative",
        [("notice_days_during_adaptation", True, ADAPT)],
        agreement={"notice_days_during_adaptation": -1},
    ),
    case("notice-during-zero", [], agreement={"notice_days_during_adaptation": 0}),
    case(
        "notice-after-missing",
        [("notice_days_after_adaptation", True, REVERS)],
        agreement={"notice_days_after_adaptation": None},
    ),
    case(
        "notice-after-negative",
        [("notice_days_after_adaptation", True, REVERS)],
        agreement={"notice_days_after_adaptation": -5},
    ),
    case("notice-after-zero", [], agreement={"notice_days_after_adaptation": 0}),
    # Contact slots (L1222-10 5°), time control (L1222-9 last paragraph)
    case("contact-slots-empty", [("contact_slots", True, SLOTS)], agreement={"contact_slots": ""}),
    case(
        "contact-slots-blank",
        [("contact_slots", True, SLOTS)],
        agreement={"contact_slots": " \n\t"},
    ),
    case("time-control-empty", [("time_control", True, TIME)], agreement={"time_control": ""}),
    case("time-control-blank", [("time_control", True, TIME)], agreement={"time_control": "  "}),
    # Allowance (L1222-10 1°) against the policy
    case(
        "allowance-scheme-unknown",
        [("allowance_scheme", True, COSTS)],
        agreement={"allowance_scheme": "weekly"},
    ),
    case(
        "allowance-negative",
        [("allowance_amount", True, COSTS)],
        agreement={"allowance_amount": D("-1")},
    ),
    case(
        "allowance-amount-missing",
        [("allowance_amount", True, COSTS)],
        agreement={"allowance_amount": None},
    ),
    case(
        "allowance-amount-zero",
        [("allowance_amount", True, COSTS)],
        agreement={"allowance_amount": D("0")},
    ),
    case(
        "allowance-none-while-policy-pays",
        [("allowance_scheme", False, COSTS)],
        agreement={"allowance_scheme": "none", "allowance_amount": None},
    ),
    case(
        "allowance-none-policy-none",
        [("costs_coverage", False, COSTS)],
        agreement={"allowance_scheme": "none", "allowance_amount": D("0")},
        policy={"allowance_scheme": "none", "allowance_amount": D("0")},
    ),
    case(
        "costs-covered-in-kind-by-agreement",
        [],
        agreement={
            "allowance_scheme": "none",
            "allowance_amount": D("0"),
            "costs_coverage": "Abonnement internet remboursé",
        },
        policy={"allowance_scheme": "none", "allowance_amount": D("0")},
    ),
    case(
        "costs-covered-in-kind-by-policy",
        [],
        agreement={"allowance_scheme": "none", "allowance_amount": D("0")},
        policy={
            "allowance_scheme": "none",
            "allowance_amount": D("0"),
            "costs_coverage": "Ligne téléphonique payée",
        },
    ),
    case(
        "allowance-amount-without-scheme",
        [("allowance_amount", False, COSTS), ("costs_coverage", False, COSTS)],
        agreement={"allowance_scheme": "none", "allowance_amount": D("5")},
        policy={"allowance_scheme": "none", "allowance_amount": D("0")},
    ),
    case(
        "allowance-above-policy",
        [("allowance_amount", False, POLICY)],
        agreement={"allowance_amount": D("10.01")},
    ),
    case("allowance-below-policy", [], agreement={"allowance_amount": D("8")}),
    case(
        "allowance-other-scheme",
        [("allowance_scheme", False, POLICY)],
        agreement={"allowance_scheme": "flat_monthly", "allowance_amount": D("20")},
    ),
    case(
        "allowance-paid-though-policy-pays-none",
        [],
        agreement={"allowance_scheme": "flat_monthly", "allowance_amount": D("20")},
        policy={"allowance_scheme": "none", "allowance_amount": D("0")},
    ),
    case(
        "allowance-above-monthly-cap",
        [("allowance_amount", False, POLICY)],
        policy={"allowance_monthly_cap": D("19.99")},
    ),
    case("allowance-at-monthly-cap", [], policy={"allowance_monthly_cap": D("20")}),
    case(
        "allowance-per-day-above-cap",
        [("allowance_amount", False, POLICY)],
        agreement={"allowance_scheme": "per_day", "allowance_amount": D("2.50")},
        policy={
            "allowance_scheme": "per_day",
            "allowance_amount": D("2.50"),
            "allowance_monthly_cap": D("21.66"),
        },
    ),
    case(
        "allowance-per-day-within-cap",
        [],
        agreement={"allowance_scheme": "per_day", "allowance_amount": D("2.50")},
        policy={
            "allowance_scheme": "per_day",
            "allowance_amount": D("2.50"),
            "allowance_monthly_cap": D("21.67"),
        },
    ),
    case(
        "allowance-one-off-ignores-monthly-cap",
        [],
        agreement={"allowance_scheme": "one_off", "allowance_amount": D("100")},
        policy={
            "allowance_scheme": "one_off",
            "allowance_amount": D("100"),
            "allowance_monthly_cap": D("10"),
        },
    ),
    # Equipment (ANI art. 7)
    case("equipment-empty", [("equipment", True, EQUIP)], agreement={"equipment": ""}),
    case("equipment-blank", [("equipment", True, EQUIP)], agreement={"equipment": "   "}),
    # Attestations: warnings while drafting
    case(
        "insurance-missing",
        [("insurance_received_date", False, POLICY)],
        agreement={"insurance_received_date": None},
    ),
    case(
        "insurance-not-required",
        [],
        agreement={"insurance_received_date": None},
        policy={"insurance_required": False},
    ),
    case(
        "insurance-in-future",
        [("insurance_received_date", True, POLICY)],
        agreement={"insurance_received_date": date(2013, 1, 26)},
    ),
    case("insurance-received-today", [], agreement={"insurance_received_date": TODAY}),
    case(
        "electrical-missing-home",
        [("electrical_statement_date", False, ELEC)],
        agreement={"electrical_statement_date": None},
    ),
    case(
        "electrical-not-required",
        [],
        agreement={"electrical_statement_date": None},
        policy={"electrical_statement_required": False},
    ),
    case(
        "electrical-in-future",
        [("electrical_statement_date", True, ELEC)],
        agreement={"electrical_statement_date": date(2013, 2, 1)},
    ),
]


def test_valid_agreement_is_compliant():
    assert run_agreement() == []


@pytest.mark.parametrize(("overrides", "expected"), AGREEMENT_CASES)
def test_check_agreement(overrides, expected):
    assert triples(run_agreement(**overrides)) == Counter(expected)


ACTIVATION_CASES = [
    case("valid", []),
    case(
        "insurance-missing",
        [("insurance_received_date", True, POLICY)],
        agreement={"insurance_received_date": None},
    ),
    case(
        "insurance-not-required",
        [],
        agreement={"insurance_received_date": None},
        policy={"insurance_required": False},
    ),
    case(
        "electrical-missing-home",
        [("electrical_statement_date", True, ELEC)],
        agreement={"electrical_statement_date": None},
    ),
    case(
        "electrical-missing-third-place",
        [],
        agreement={"electrical_statement_date": None, "place_kind": "third_place"},
    ),
    case(
        "insurance-missing-third-place",
        [("insurance_received_date", True, POLICY)],
        agreement={"insurance_received_date": None, "place_kind": "third_place"},
    ),
    case(
        "other-rules-unchanged",
        [("contact_slots", True, SLOTS), ("adaptation_months", False, ADAPT)],
        agreement={"contact_slots": "", "adaptation_months": 14, "adaptation_end_date": None},
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), ACTIVATION_CASES)
def test_check_activation(overrides, expected):
    args = {key: value for key, value in overrides.items()}
    args["activation"] = True
    assert triples(run_agreement(**args)) == Counter(expected)


def test_check_activation_wrapper_matches_flag():
    agreement = make_agreement(insurance_received_date=None, electrical_statement_date=None)
    args = (agreement, make_post(), make_employee(), make_request(), make_policy(), TODAY)
    assert rules.check_activation(*args) == rules.check_agreement(*args, activation=True)
    assert all(v.blocking for v in rules.check_activation(*args))
    assert not any(v.blocking for v in rules.check_agreement(*args))


# --------------------------------------------------------------------------------------------
# Messages: French, with the facts HR needs
# --------------------------------------------------------------------------------------------


def _message(**overrides) -> str:
    """The single violation message produced by these overrides."""
    (violation,) = run_agreement(**overrides)
    return violation.message


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        ({"request": None}, ["Aucune demande", "volontariat"]),
        ({"request": {"status": "pending"}}, ["en attente"]),
        ({"request": {"status": "refused"}}, ["refusée"]),
        ({"request": {"status": "withdrawn"}}, ["retirée"]),
        (
            {"post": {"is_eligible": False, "ineligibility_reason": "Accueil du public"}},
            [f"«{NBSP}Gestionnaire de paie{NBSP}»", "(Accueil du public)"],
        ),
        ({"employee": {"is_active": False}}, ["Camille Lefèvre"]),
        (
            {"employee": {"hire_date": date(2012, 8, 2)}},
            ["6 mois", "2 février 2013"],
        ),
        ({"employee": {"working_time_rate": 80}}, [f"1,5 jour (au prorata de 80{NBSP}%)"]),
        ({"post": {"max_days_per_week": D("1")}}, ["plafonné à 1 jour", "2 jours"]),
        ({"policy": {"max_days_per_week": D("1.5")}}, ["politique de l'employeur", "1,5 jour"]),
        ({"policy": {"min_onsite_days_per_week": D("3.5")}}, ["3 jours sur site", "3,5 jours"]),
        (
            {"agreement": {"weekly_pattern": "11000000000000"}},
            ["lundi (journée)", "1 jour par semaine", "en prévoit 2"],
        ),
        (
            {"agreement": {"start_date": date(2013, 1, 6), "adaptation_end_date": None}},
            ["6 janvier 2013", "7 janvier 2013"],
        ),
        (
            {"agreement": {"adaptation_end_date": date(2013, 5, 15)}},
            ["15 mai 2013", "30 avril 2013", "1er février 2013"],
        ),
        (
            {"agreement": {"allowance_amount": D("12.5")}},
            ["au-delà de la politique de l'employeur", f"12,50{NBSP}€", f"10,00{NBSP}€"],
        ),
        (
            {"policy": {"allowance_monthly_cap": D("15")}},
            [f"20,00{NBSP}€ par mois", f"15,00{NBSP}€"],
        ),
        ({"agreement": {"insurance_received_date": None}}, ["devra être reçue"]),
        ({"agreement": {"time_control": ""}}, ["contrôle du temps de travail"]),
    ],
)
def test_messages_carry_the_facts(overrides, fragments):
    message = _message(**overrides)
    for fragment in fragments:
        assert fragment in message


def test_activation_message_says_required_now():
    (violation,) = run_agreement(agreement={"insurance_received_date": None}, activation=True)
    assert "exigée avant la mise en œuvre" in violation.message


def _everything_wrong() -> list[Violation]:
    """Many rules broken at once, to check the message style globally."""
    return run_agreement(
        agreement={
            "start_date": date(2012, 11, 1),
            "end_date": date(2012, 12, 1),
            "days_per_week": D("2.5"),
            "weekly_pattern": "10100000000000",
            "place_kind": None,
            "adaptation_months": 20,
            "notice_days_during_adaptation": None,
            "notice_days_after_adaptation": -1,
            "contact_slots": "",
            "time_control": "",
            "allowance_scheme": "none",
            "allowance_amount": D("-3"),
            "insurance_received_date": None,
            "equipment": "",
        },
        post={"is_eligible": False},
        employee={"working_time_rate": 50, "hire_date": date(2012, 10, 1)},
        request={"status": "pending", "request_date": date(2012, 12, 1), "wished_days": D("1")},
        policy={"min_working_time_rate": 60, "half_days_allowed": False},
    )


def test_many_violations_at_once():
    violations = _everything_wrong()
    assert len(violations) >= 20
    assert any(v.blocking for v in violations)


@pytest.mark.parametrize("violation", _everything_wrong(), ids=lambda v: v.field)
def test_message_typography(violation):
    message = violation.message
    assert message[0].isupper() or message[0].isdigit()
    assert message.endswith(".")
    for mark in (":", ";", "»", "%", "€"):
        assert f" {mark}" not in message, message
    assert "« " not in message
    assert violation.basis in ALL_BASES


ALL_BASES = {
    rules.BASIS_ADAPTATION,
    rules.BASIS_CONDITIONS,
    rules.BASIS_CONTACT_SLOTS,
    rules.BASIS_CONTRACT,
    rules.BASIS_COSTS,
    rules.BASIS_ELECTRICAL,
    rules.BASIS_EQUIPMENT,
    rules.BASIS_POLICY,
    rules.BASIS_REGULAR,
    rules.BASIS_REVERSIBILITY,
    rules.BASIS_TIME_CONTROL,
    rules.BASIS_VOLUNTARY,
    rules.BASIS_WORK_ORGANISATION,
}


def test_basis_strings():
    assert rules.BASIS_VOLUNTARY == "C. trav. L1222-9 (2012) : volontariat"
    assert rules.BASIS_ADAPTATION == "ANI 19/07/2005 art. 2 : période d'adaptation"
    assert rules.BASIS_REVERSIBILITY == "ANI 19/07/2005 art. 3 : réversibilité"
    assert rules.BASIS_CONTACT_SLOTS == "C. trav. L1222-10 5° (2012) : plages horaires"
    assert rules.BASIS_COSTS == "C. trav. L1222-10 1° (2012) : prise en charge des coûts"
    assert rules.BASIS_EQUIPMENT == "ANI 19/07/2005 art. 7 : équipements"
    assert rules.BASIS_POLICY == "Politique de l'employeur"


# --------------------------------------------------------------------------------------------
# check_request
# --------------------------------------------------------------------------------------------


def run_request(request=None, post=None, employee=None, policy=None, today=TODAY):
    """check_request on valid defaults with overrides."""
    return rules.check_request(
        make_request(**(request or {})),
        make_post(**(post or {})),
        make_employee(**(employee or {})),
        make_policy(**(policy or {})),
        today,
    )


REQUEST_CASES = [
    case("pending-is-fine", [], request={"status": "pending"}),
    case("status-unknown", [("status", True, VOL)], request={"status": "draft"}),
    case("date-missing", [("request_date", True, VOL)], request={"request_date": None}),
    case(
        "date-in-future", [("request_date", True, VOL)], request={"request_date": date(2013, 1, 26)}
    ),
    case("date-today", [], request={"request_date": TODAY}),
    case("wished-unknown", [], request={"wished_days": None}),
    case("wished-zero", [("wished_days", True, REGULAR)], request={"wished_days": D("0")}),
    case("wished-above-week", [("wished_days", True, WORKORG)], request={"wished_days": D("5.5")}),
    case("wished-bad-step", [("wished_days", True, WORKORG)], request={"wished_days": D("0.7")}),
    case(
        "wished-above-caps-warns",
        [("wished_days", False, POLICY), ("wished_days", False, POLICY)],
        request={"wished_days": D("3")},
    ),
    case(
        "wished-half-day-forbidden-warns",
        [("wished_days", False, POLICY)],
        request={"wished_days": D("1.5")},
        policy={"half_days_allowed": False},
    ),
    case("post-not-eligible-warns", [("post", False, POLICY)], post={"is_eligible": False}),
    case("employee-inactive", [("employee", True, CONTRACT)], employee={"is_active": False}),
    case(
        "seniority-not-reached-warns",
        [("employee", False, POLICY)],
        employee={"hire_date": date(2012, 9, 1)},
    ),
    case("seniority-reached", [], employee={"hire_date": date(2012, 7, 7)}),
    case(
        "seniority-unknown-warns",
        [("employee", False, POLICY)],
        employee={"hire_date": None},
    ),
    case(
        "rate-below-minimum-warns",
        [("employee", False, POLICY)],
        employee={"working_time_rate": 50},
        policy={"min_working_time_rate": 80},
        request={"wished_days": D("1")},
    ),
]


def test_valid_request_is_compliant():
    assert run_request() == []


@pytest.mark.parametrize(("overrides", "expected"), REQUEST_CASES)
def test_check_request(overrides, expected):
    assert triples(run_request(**overrides)) == Counter(expected)


def test_request_ineligible_post_message():
    (violation,) = run_request(post={"is_eligible": False, "ineligibility_reason": "Caisse"})
    assert "(Caisse)" in violation.message
    assert "pourra être refusée" in violation.message


# --------------------------------------------------------------------------------------------
# check_post and check_policy
# --------------------------------------------------------------------------------------------

POST_CASES = [
    pytest.param({}, True, [], id="valid"),
    pytest.param({}, False, [], id="valid-without-policy"),
    pytest.param({"code": " "}, True, [("code", True, POLICY)], id="code-blank"),
    pytest.param({"title": ""}, True, [("title", True, POLICY)], id="title-blank"),
    pytest.param(
        {"is_eligible": False},
        True,
        [("ineligibility_reason", False, POLICY)],
        id="ineligible-without-reason",
    ),
    pytest.param(
        {"is_eligible": False, "ineligibility_reason": "Accueil physique du public"},
        True,
        [],
        id="ineligible-with-reason",
    ),
    pytest.param({"max_days_per_week": None}, True, [], id="no-cap"),
    pytest.param(
        {"max_days_per_week": D("0")},
        True,
        [("max_days_per_week", True, WORKORG)],
        id="cap-zero",
    ),
    pytest.param(
        {"max_days_per_week": D("6")},
        False,
        [("max_days_per_week", True, WORKORG)],
        id="cap-above-week",
    ),
    pytest.param(
        {"max_days_per_week": D("1.2")},
        True,
        [("max_days_per_week", True, WORKORG)],
        id="cap-bad-step",
    ),
    pytest.param(
        {"max_days_per_week": D("3")},
        True,
        [("max_days_per_week", False, POLICY)],
        id="cap-above-policy",
    ),
    pytest.param({"max_days_per_week": D("3")}, False, [], id="cap-3-without-policy"),
    pytest.param({"max_days_per_week": D("1.5")}, True, [], id="cap-half-day"),
]


@pytest.mark.parametrize(("overrides", "with_policy", "expected"), POST_CASES)
def test_check_post(overrides, with_policy, expected):
    policy = make_policy() if with_policy else None
    assert triples(rules.check_post(make_post(**overrides), policy)) == Counter(expected)


def test_check_post_half_day_cap_when_policy_forbids():
    violations = rules.check_post(
        make_post(max_days_per_week=D("1.5")), make_policy(half_days_allowed=False)
    )
    assert triples(violations) == Counter([("max_days_per_week", False, POLICY)])


POLICY_CASES = [
    pytest.param({}, [], id="valid"),
    pytest.param(
        {"workdays_per_week": D("0")}, [("workdays_per_week", True, POLICY)], id="workdays-zero"
    ),
    pytest.param(
        {"workdays_per_week": D("8")}, [("workdays_per_week", True, POLICY)], id="workdays-8"
    ),
    pytest.param(
        {"max_days_per_week": D("0")}, [("max_days_per_week", True, POLICY)], id="cap-zero"
    ),
    pytest.param(
        {"max_days_per_week": D("6"), "min_onsite_days_per_week": D("0")},
        [("max_days_per_week", True, POLICY)],
        id="cap-above-week",
    ),
    pytest.param(
        {"max_days_per_week": D("1.25")}, [("max_days_per_week", True, POLICY)], id="cap-bad-step"
    ),
    pytest.param(
        {"max_days_per_week": D("1.5"), "half_days_allowed": False},
        [("max_days_per_week", True, POLICY)],
        id="cap-half-day-forbidden",
    ),
    pytest.param(
        {"min_onsite_days_per_week": D("-1")},
        [("min_onsite_days_per_week", True, POLICY)],
        id="onsite-negative",
    ),
    pytest.param(
        {"min_onsite_days_per_week": D("4")},
        [("min_onsite_days_per_week", False, POLICY)],
        id="cap-unreachable",
    ),
    pytest.param(
        {"seniority_months": -1}, [("seniority_months", True, POLICY)], id="seniority-negative"
    ),
    pytest.param(
        {"adaptation_months": -1}, [("adaptation_months", True, ADAPT)], id="adaptation-negative"
    ),
    pytest.param(
        {"adaptation_months": 13}, [("adaptation_months", False, ADAPT)], id="adaptation-long"
    ),
    pytest.param({"adaptation_months": 0}, [], id="adaptation-zero"),
    pytest.param(
        {"notice_days_during_adaptation": -1},
        [("notice_days_during_adaptation", True, ADAPT)],
        id="notice-during-negative",
    ),
    pytest.param(
        {"notice_days_after_adaptation": -1},
        [("notice_days_after_adaptation", True, REVERS)],
        id="notice-after-negative",
    ),
    pytest.param(
        {"min_working_time_rate": 101},
        [("min_working_time_rate", True, POLICY)],
        id="rate-above-100",
    ),
    pytest.param({"min_working_time_rate": 100}, [], id="rate-100"),
    pytest.param(
        {"allowance_scheme": "weekly"}, [("allowance_scheme", True, COSTS)], id="scheme-unknown"
    ),
    pytest.param(
        {"allowance_amount": D("-1")}, [("allowance_amount", True, COSTS)], id="amount-negative"
    ),
    pytest.param(
        {"allowance_amount": D("0")}, [("allowance_amount", False, COSTS)], id="amount-zero"
    ),
    pytest.param(
        {"allowance_scheme": "none", "allowance_amount": D("5")},
        [("allowance_amount", False, COSTS)],
        id="amount-without-scheme",
    ),
    pytest.param({"allowance_scheme": "none", "allowance_amount": D("0")}, [], id="no-allowance"),
    pytest.param(
        {"allowance_monthly_cap": D("-1")},
        [("allowance_monthly_cap", True, POLICY)],
        id="cap-negative",
    ),
    pytest.param({"allowance_monthly_cap": D("0")}, [], id="cap-zero-amount"),
]


@pytest.mark.parametrize(("overrides", "expected"), POLICY_CASES)
def test_check_policy(overrides, expected):
    assert triples(rules.check_policy(make_policy(**overrides))) == Counter(expected)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def test_one_month_arithmetic_everywhere():
    """31 January + 1 month: the seniority date and the adaptation end use the same months."""
    from hrtele.domain.dates import adaptation_end_date, add_months

    assert rules.seniority_date(date(2013, 1, 31), 1) == add_months(date(2013, 1, 31), 1)
    assert adaptation_end_date(date(2013, 1, 31), 1) == date(2013, 2, 28)
    assert not hasattr(rules, "adaptation_end") and rules.add_months is add_months


def test_seniority_date():
    assert rules.seniority_date(date(2012, 8, 31), 6) == date(2013, 2, 28)


@pytest.mark.parametrize(
    ("cap", "rate", "half_days", "expected"),
    [
        (D("2"), 100, True, D("2")),
        (D("2"), 80, True, D("1.5")),
        (D("2"), 80, False, D("1")),
        (D("3"), 90, True, D("2.5")),
        (D("2"), 50, True, D("1")),
        (D("2"), 20, True, D("0")),
        (D("2.5"), 100, True, D("2.5")),
        (D("2.5"), 100, False, D("2")),
    ],
)
def test_prorate_cap(cap, rate, half_days, expected):
    assert rules.prorate_cap(cap, rate, half_days) == expected


@pytest.mark.parametrize(
    ("post_cap", "rate", "policy_cap", "expected"),
    [
        (D("2"), 100, D("3"), D("2")),
        (None, 100, D("3"), D("3")),
        (D("3"), 80, D("2"), D("1.5")),
        (D("2"), 0, D("2"), D("2")),  # invalid rate reported elsewhere: no pro-rating
    ],
)
def test_max_days_allowed(post_cap, rate, policy_cap, expected):
    allowed = rules.max_days_allowed(
        make_post(max_days_per_week=post_cap),
        make_employee(working_time_rate=rate),
        make_policy(max_days_per_week=policy_cap),
    )
    assert allowed == expected


@pytest.mark.parametrize(
    ("scheme", "amount", "days", "expected"),
    [
        ("none", D("10"), D("2"), D("0")),
        ("flat_monthly", D("30"), D("2"), D("30")),
        ("per_weekly_day", D("10"), D("2.5"), D("25.00")),
        ("per_day", D("2.50"), D("2"), D("21.67")),
        ("one_off", D("100"), D("2"), None),
    ],
)
def test_monthly_allowance(scheme, amount, days, expected):
    assert rules.monthly_allowance(scheme, amount, days) == expected


def test_monthly_allowance_unknown_scheme():
    with pytest.raises(ValueError, match="Modalité d'allocation inconnue"):
        rules.monthly_allowance("weekly", D("1"), D("1"))




def test_terms_are_frozen():
    with pytest.raises(AttributeError):
        make_agreement().days_per_week = D("3")  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Violation("a", "A.", POLICY, True).blocking = False  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Issue 10: the working week, places per half-day, seats, overlaps, contact slots, costs,
# the reversibility clause, the start after the acceptance (each with its legal basis)
# --------------------------------------------------------------------------------------------

DAILY_REST = "C. trav. L3131-1 : repos quotidien de 11 heures consécutives"
PRIVATE_LIFE = "ANI 19/07/2005 art. 6 : vie privée"
CASE_2014 = rules.BASIS_REVERSIBILITY
PART_TIME_WEEK = "11111111000000"  # Monday to Thursday (80 %)


def run_with(others=(), loads=None, **overrides):
    """run_agreement, plus the employee's other agreements and the places' seats."""
    return rules.check_agreement(
        make_agreement(**overrides.get("agreement", {})),
        make_post(**overrides.get("post", {})),
        make_employee(**overrides.get("employee", {})),
        make_request(**overrides.get("request", {})),
        make_policy(**overrides.get("policy", {})),
        overrides.get("today", TODAY),
        others=others,
        place_loads=loads,
    )


CORE_CASES = [
    # Telework happens on the days the employee works under the contract.
    case(
        "telework-on-a-day-not-worked",
        [("weekly_pattern", True, WORKORG)],
        agreement={"weekly_pattern": "00000000110000", "days_per_week": D("1")},
        employee={"working_week": PART_TIME_WEEK, "working_time_rate": 80},
    ),
    case(
        "saturday-worker-teleworks-on-saturday",
        [],
        agreement={"weekly_pattern": "00000000001100", "days_per_week": D("1")},
        employee={"working_week": "00111111111100"},
    ),
    case(
        "weekend-telework-not-worked",
        [("weekly_pattern", True, WORKORG)],
        agreement={"weekly_pattern": "00000000001100", "days_per_week": D("1")},
    ),
    # The minimum on site counts the days actually worked, pro-rated for part time.
    case(
        "part-time-two-days-leave-too-few-on-site",
        [("days_per_week", True, POLICY)],
        agreement={"weekly_pattern": "11110000000000", "days_per_week": D("2")},
        employee={"working_week": PART_TIME_WEEK, "working_time_rate": 80},
        post={"max_days_per_week": None},
        policy={"max_days_per_week": D("3")},
    ),
    case(
        "part-time-one-and-a-half-days-is-fine",
        [],
        agreement={"weekly_pattern": "11100000000000", "days_per_week": D("1.5")},
        employee={"working_week": PART_TIME_WEEK, "working_time_rate": 80},
    ),
    # A place per half-day.
    case(
        "second-place-used-without-second-place",
        [("weekly_pattern", True, COND)],
        agreement={"weekly_pattern": "11002200000000"},
    ),
    case(
        "second-place-chosen-but-unused",
        [("weekly_pattern", False, COND)],
        agreement={"second_place_kind": "third_place"},
    ),
    case(
        "home-and-third-place",
        [],
        agreement={"weekly_pattern": "11002200000000", "second_place_kind": "third_place"},
    ),
    # Electrical conformity only when home is one of the places.
    case(
        "third-place-only-no-electrical-statement",
        [],
        agreement={"place_kind": "third_place", "electrical_statement_date": None},
    ),
    case(
        "home-as-second-place-needs-electrical-statement",
        [("electrical_statement_date", False, ELEC)],
        agreement={
            "place_kind": "third_place",
            "second_place_kind": "home",
            "weekly_pattern": "11002200000000",
            "electrical_statement_date": None,
        },
    ),
    # Contact slots (L1222-10 5°, L3131-1, ANI art. 6).
    case(
        "contact-slots-unreadable",
        [("contact_slots", True, SLOTS)],
        agreement={"contact_slots": "quand il peut"},
    ),
    case(
        "contact-slots-outside-working-hours",
        [("contact_slots", True, SLOTS)],
        agreement={"contact_slots": "7 h 30 – 9 h"},
        employee={"working_hours": "8 h 30 – 12 h et 13 h 30 – 17 h 30"},
    ),
    case(
        "contact-slots-within-working-hours",
        [],
        agreement={"contact_slots": "9 h – 12 h et 14 h – 17 h"},
        employee={"working_hours": "8 h 30 – 12 h et 13 h 30 – 17 h 30"},
    ),
    case(
        "policy-hours-apply-when-the-employee-has-none",
        [("contact_slots", True, SLOTS)],
        agreement={"contact_slots": "9 h – 12 h et 14 h – 18 h 30"},
        policy={"default_working_hours": "8 h 30 – 12 h 30 et 13 h 30 – 17 h 30"},
    ),
    case(
        "contact-slots-break-the-daily-rest",
        [("contact_slots", True, DAILY_REST), ("contact_slots", False, PRIVATE_LIFE)],
        agreement={"contact_slots": "6 h – 12 h et 14 h – 20 h 30"},
    ),
    case(
        "evening-slot-warns",
        [("contact_slots", False, PRIVATE_LIFE)],
        agreement={"contact_slots": "9 h – 12 h et 19 h – 21 h"},
    ),
    # The reversibility clause is explicit (ANI art. 3).
    case(
        "reversibility-clause-missing",
        [("reversibility_clause", True, REVERS)],
        agreement={"reversibility_clause": None},
    ),
    case("reversibility-clause-mutual", [], agreement={"reversibility_clause": "mutual"}),
    case(
        "reversibility-clause-unknown",
        [("reversibility_clause", True, REVERS)],
        agreement={"reversibility_clause": "whenever"},
    ),
    # The start comes after both parties agreed (volontariat).
    case(
        "start-before-acceptance",
        [("start_date", True, VOL)],
        request={"decision_date": date(2013, 2, 5)},
    ),
    case("start-after-acceptance", [], request={"decision_date": date(2013, 1, 20)}),
]


@pytest.mark.parametrize(("overrides", "expected"), CORE_CASES)
def test_core_rules(overrides, expected):
    assert triples(run_with(**overrides)) == Counter(expected)


def test_overlapping_agreements_are_refused():
    from hrtele.domain.terms import AgreementPeriod

    overlapping = AgreementPeriod(7, date(2012, 6, 1), None, "actif")
    finished = AgreementPeriod(8, date(2011, 1, 1), date(2013, 1, 31), "terminé")
    later = AgreementPeriod(9, date(2014, 1, 1), date(2014, 6, 30), "signé")
    violations = run_with(others=(overlapping, finished))
    assert triples(violations) == Counter([("start_date", True, CONTRACT)])
    assert "n° 7" in violations[0].message and "chevaucher" in violations[0].message
    # An open-ended agreement would run into a later one too.
    assert "n° 9" in run_with(others=(later,))[0].message
    assert run_with(others=(later,), agreement={"end_date": date(2013, 12, 31)}) == []
    fixed_term = run_with(
        others=(later,), agreement={"end_date": date(2014, 1, 1)}
    )
    assert triples(fixed_term) == Counter([("start_date", True, CONTRACT)])


def test_seats_of_a_third_place():
    from hrtele.domain.terms import PlaceLoad

    occupied = [0] * 14
    occupied[0] = 6  # Monday morning already has 6 people for 6 seats
    full = PlaceLoad("Cap Delta", 6, tuple(occupied))
    violations = run_with(loads={1: full}, agreement={"place_kind": "third_place"})
    assert triples(violations) == Counter([("weekly_pattern", False, WORKORG)])
    assert "7/6" in violations[0].message and "lundi matin" in violations[0].message
    assert rules.occupancy_with("11001100000000", 1, full)[:2] == (7, 1)
    unlimited = PlaceLoad("Coworking", None, tuple(occupied))
    assert run_with(loads={1: unlimited}, agreement={"place_kind": "third_place"}) == []


@pytest.mark.parametrize(
    ("rate", "week", "expected"),
    [
        (100, "11111111110000", D("3")),
        (80, "11111111000000", D("2.5")),  # 3 × 80 % = 2,4, rounded up to the half-day
        (50, "11111000000000", D("1.5")),
        (50, "11000000000000", D("1")),  # never more than the days worked
    ],
)
def test_min_onsite_days_for_part_time(rate, week, expected):
    employee = make_employee(working_time_rate=rate, working_week=week)
    assert rules.min_onsite_days(make_policy(), employee) == expected


def test_policy_working_hours_and_contact_slots_are_checked():
    bad_hours = rules.check_policy(make_policy(default_working_hours="8 h – 23 h"))
    assert ("default_working_hours", True, DAILY_REST) in triples(bad_hours)
    outside = rules.check_policy(
        make_policy(
            default_working_hours="9 h – 12 h et 14 h – 17 h",
            default_contact_slots="8 h – 12 h",
        )
    )
    assert ("default_contact_slots", True, SLOTS) in triples(outside)
