"""Employer identity, telework policy and staff categories: operations shared by web and CLI.

The policy values are checked by hrtele.domain.rules.check_policy (the same call from the form
and from update_policy); blocking violations refuse the save, warnings need a confirmation.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from hrtele.audit.service import record_change
from hrtele.domain.notice import REVERSIBILITY_CLAUSES
from hrtele.domain.rules import check_policy
from hrtele.domain.terms import Violation
from hrtele.domain_adapters import employer_policy, input_error, policy_terms, require_compliance
from hrtele.editing import assign, check_version
from hrtele.extensions import db
from hrtele.models import Category, Employer, Policy, User
from hrtele.models.organisation import DEFAULT_LEGAL_FRAME

__all__ = [
    "CATEGORY_FIELDS",
    "EMPLOYER_FIELDS",
    "POLICY_FIELDS",
    "create_category",
    "get_employer",
    "get_policy",
    "is_valid_siret",
    "list_categories",
    "normalise_siret",
    "policy_violations",
    "save_employer",
    "update_category",
    "update_policy",
]

POLICY_FIELDS: tuple[str, ...] = (
    "legal_frame",
    "max_days_per_week",
    "half_days_allowed",
    "min_onsite_days_per_week",
    "seniority_months",
    "min_working_time_rate",
    "adaptation_months",
    "notice_days_during_adaptation",
    "notice_days_after_adaptation",
    "default_contact_slots",
    "default_time_control",
    "default_working_hours",
    "reversibility_clause",
    "costs_coverage",
    "allowance_scheme",
    "allowance_amount",
    "allowance_monthly_cap",
    "insurance_required",
    "electrical_statement_required",
    "signature_order",
)
EMPLOYER_FIELDS: tuple[str, ...] = (
    "name",
    "siret",
    "address",
    "representative_name",
    "representative_title",
    "it_charter_ref",
)
CATEGORY_FIELDS: tuple[str, ...] = ("code", "label")

BASIS_SIRET = "Identification de l'employeur (SIRET, INSEE)"
# La Poste's establishments share this SIREN; their SIRET follows a different checksum.
_LA_POSTE_SIREN = "356000000"


# --------------------------------------------------------------------------------------------
# Employer
# --------------------------------------------------------------------------------------------


def get_employer() -> Employer | None:
    """The employer (the app runs one telework scheme), or None before set-up."""
    return db.session.scalar(select(Employer).order_by(Employer.id).limit(1))


def normalise_siret(text: str | None) -> str:
    """SIRET without the spaces, dots or dashes people type in it."""
    return re.sub(r"[\s.\-\u00a0\u202f]", "", text or "")


def is_valid_siret(siret: str) -> bool:
    """14 digits passing the Luhn check (La Poste: sum of digits a multiple of 5)."""
    if not re.fullmatch(r"[0-9]{14}", siret or ""):
        return False
    if siret.startswith(_LA_POSTE_SIREN):
        return sum(int(c) for c in siret) % 5 == 0
    total = 0
    for position, char in enumerate(reversed(siret)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def save_employer(
    employer: Employer | None,
    data: dict[str, Any],
    expected_version: int | None,
    actor: User | None,
) -> Employer:
    """Create (with a default policy) or update the employer; refuses an invalid SIRET."""
    values = {key: data.get(key) for key in EMPLOYER_FIELDS}
    for key in EMPLOYER_FIELDS:
        values[key] = (values[key] or "").strip()
    values["siret"] = normalise_siret(values["siret"])
    if not values["name"]:
        raise input_error("name", "Indiquez la raison sociale de l'employeur.")
    if not is_valid_siret(values["siret"]):
        raise input_error(
            "siret",
            "SIRET invalide : 14 chiffres dont le dernier est une clé de contrôle (algorithme "
            "de Luhn). Vérifiez-le sur l'avis de situation INSEE.",
            BASIS_SIRET,
        )
    if employer is None:
        employer = Employer()
        assign(employer, values)
        db.session.add(employer)
        record_change(employer, actor)
        policy = Policy(employer_id=employer.id, legal_frame=DEFAULT_LEGAL_FRAME)
        db.session.add(policy)
        record_change(policy, actor)
        return employer
    check_version(employer, expected_version, "L'identité de l'employeur")
    assign(employer, values)
    record_change(employer, actor)
    return employer


# --------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------


def get_policy() -> Policy | None:
    """The employer's telework policy, or None before the employer is set up."""
    return employer_policy()


def _policy_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {key: data.get(key) for key in POLICY_FIELDS}
    for key in (
        "legal_frame", "default_contact_slots", "default_time_control", "default_working_hours",
        "costs_coverage",
    ):
        values[key] = (values[key] or "").strip()
    if values["reversibility_clause"] not in REVERSIBILITY_CLAUSES:
        values["reversibility_clause"] = "notice"
    for key in ("half_days_allowed", "insurance_required", "electrical_statement_required"):
        values[key] = bool(values[key])
    return values


def policy_violations(data: dict[str, Any]) -> list[Violation]:
    """check_policy on the values typed, plus the texts every avenant needs."""
    values = _policy_values(data)
    out: list[Violation] = []
    for key in (
        "max_days_per_week",
        "min_onsite_days_per_week",
        "seniority_months",
        "min_working_time_rate",
        "adaptation_months",
        "notice_days_during_adaptation",
        "notice_days_after_adaptation",
        "allowance_amount",
    ):
        if values[key] is None:
            out.append(Violation(key, "Valeur obligatoire.", "Politique de l'employeur", True))
    if not values["legal_frame"]:
        out.append(
            Violation(
                "legal_frame",
                "Indiquez le cadre juridique repris dans les avenants.",
                "Politique de l'employeur",
                True,
            )
        )
    if out:  # check_policy needs every figure
        return out
    return check_policy(policy_terms(SimpleNamespace(**values)))


def update_policy(
    policy: Policy,
    data: dict[str, Any],
    expected_version: int | None,
    actor: User | None,
    confirm_warnings: bool,
) -> Policy:
    """Save the policy (409 if stale; RuleViolations if blocking or unconfirmed warnings)."""
    check_version(policy, expected_version, "La politique de télétravail")
    require_compliance(policy_violations(data), confirm_warnings)
    assign(policy, _policy_values(data))
    record_change(policy, actor)
    return policy


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------


def list_categories() -> list[Category]:
    """Every staff category, by code (a short list: no pagination needed)."""
    return list(db.session.scalars(select(Category).order_by(Category.code)))


def _clean_category(data: dict[str, Any]) -> dict[str, str]:
    code = (data.get("code") or "").strip()
    label = (data.get("label") or "").strip()
    if not label:
        raise input_error("label", "Indiquez le libellé de la catégorie.")
    return {"code": code, "label": label}


def create_category(data: dict[str, Any], actor: User | None) -> Category:
    """Add a staff category; its code must be unused."""
    values = _clean_category(data)
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,20}", values["code"]):
        raise input_error(
            "code", "Code invalide : 1 à 20 lettres, chiffres, point, tiret ou souligné."
        )
    if db.session.scalar(select(Category.id).where(Category.code == values["code"])) is not None:
        raise input_error("code", f"Le code « {values['code']} » est déjà utilisé.")
    category = Category(**values)
    db.session.add(category)
    record_change(category, actor)
    return category


def update_category(
    category: Category, data: dict[str, Any], expected_version: int | None, actor: User | None
) -> Category:
    """Rename a category (its code stays: imports and exports refer to it)."""
    check_version(category, expected_version, "Cette catégorie")
    category.label = _clean_category({"code": category.code, "label": data.get("label")})["label"]
    record_change(category, actor)
    return category
