"""Sample snapshots for the document tests and the render benchmark."""

from __future__ import annotations

import dataclasses
from typing import Any

from hrtele.documents.snapshots import (
    AdaptationPeriod,
    Allowance,
    AmendmentSnapshot,
    EmployeeInfo,
    EmployerInfo,
    EstablishmentInfo,
    NoticeSnapshot,
    Place,
    RefusalSnapshot,
    RequestInfo,
    ReturnArrangements,
    TeleworkDay,
    VacantPost,
)

#: Strings an attacker would like WeasyPrint to fetch or embed (security.md §4.4).
HOSTILE_STRINGS = (
    "file:///etc/passwd",
    '<link rel="attachment" href="file:///etc/hostname">',
    '<img src="http://127.0.0.1:1/">',
    "http://127.0.0.1:1/",
    "@import url(http://169.254.169.254/);",
    "{{ config }}",
)
HOSTILE = " ".join(HOSTILE_STRINGS)

ALLOWANCES: dict[str, Allowance] = {
    "flat_monthly": Allowance(
        scheme="flat_monthly",
        label="allocation forfaitaire mensuelle de télétravail",
        amount="20,00 €",
    ),
    "per_weekly_day": Allowance(
        scheme="per_weekly_day",
        label="allocation forfaitaire de télétravail",
        amount="10,90 €",
        cap="59,40 € par mois",
    ),
    "per_day": Allowance(
        scheme="per_day",
        label="allocation forfaitaire journalière de télétravail",
        amount="2,70 €",
        cap="59,40 € par mois",
    ),
    "one_off": Allowance(
        scheme="one_off",
        label="indemnité forfaitaire d'installation",
        amount="100,00 €",
    ),
    "none": Allowance(scheme="none", label="remboursement sur justificatifs", amount=""),
}


def employer(**overrides: Any) -> EmployerInfo:
    """Sample employer."""
    values = dict(
        name="Société Quercy Ingénierie SAS",
        siret="123 456 789 00012",
        address="12 allée des Soupirs, 46000 Cahors",
        representative_name="Mme Hélène Vidal",
        representative_title="directrice des ressources humaines",
        legal_frame="convention collective nationale des bureaux d'études techniques (IDCC 1486) ; "
        "aucun accord collectif d'entreprise relatif au télétravail",
    )
    return EmployerInfo(**{**values, **overrides})


def employee(**overrides: Any) -> EmployeeInfo:
    """Sample employee."""
    values = dict(
        personnel_number="M-004217",
        civility="Madame",
        full_name="Claire Delmas",
        address="7 rue du Château-du-Roi, 46000 Cahors",
        post_title="chargée d'études",
        post_code="ETU-03",
        department="Études et méthodes",
        classification="ETAM, position 3.1, coefficient 400",
        hire_date="2019-09-02",
        contract_date="2019-08-20",
        contract_ref="CDI-2019-118",
        working_time_rate="100 % (temps plein)",
    )
    return EmployeeInfo(**{**values, **overrides})


def amendment(variant: str = "full_days", **overrides: Any) -> AmendmentSnapshot:
    """Sample amendment; variant is 'full_days', 'half_days' or 'third_place'."""
    places = (Place(kind="home", name="", address="7 rue du Château-du-Roi, 46000 Cahors"),)
    pattern = (
        TeleworkDay(weekday="lundi", part="journée"),
        TeleworkDay(weekday="jeudi", part="journée"),
    )
    days, half_days = "2", False
    if variant == "half_days":
        pattern = (
            TeleworkDay(weekday="mardi", part="journée"),
            TeleworkDay(weekday="vendredi", part="après-midi"),
        )
        days, half_days = "1,5", True
    elif variant == "third_place":
        places = (
            Place(
                kind="third_place",
                name="Télécentre du Grand Cahors",
                address="3 place Rousseau, 46000 Cahors",
            ),
            Place(kind="home", name="", address="7 rue du Château-du-Roi, 46000 Cahors"),
        )
        pattern = (TeleworkDay(weekday="mercredi", part="journée"),)
        days = "1"
    elif variant != "full_days":
        raise ValueError(variant)
    values = dict(
        reference="AV-2026-00042-v2",
        version=2,
        issue_date="2026-03-02",
        employer=employer(),
        establishment=EstablishmentInfo(
            name="Agence de Cahors", address="12 allée des Soupirs, 46000 Cahors"
        ),
        employee=employee(),
        request=RequestInfo(
            date="2026-01-15",
            initiative="employee",
            acceptance_date="2026-02-10",
            motive="réduire les trajets domicile-travail",
        ),
        eligibility_statement="Le poste de chargée d'études est identifié comme télétravaillable : "
        "ses activités de rédaction et d'analyse peuvent être exercées à distance.",
        teleworked_tasks="rédaction des notes d'études, analyse des données, réunions à distance.",
        days_per_week=days,
        weekly_pattern=pattern,
        half_days=half_days,
        onsite_min_days="3",
        places=places,
        start_date="2026-04-01",
        end_date=None,
        renewal="Les modalités du télétravail sont réexaminées lors de chaque entretien annuel.",
        adaptation=AdaptationPeriod(months=3, end_date="2026-06-30", notice_days_during=15),
        notice_days_after=30,
        contact_slots=(
            "du lundi au vendredi : 9 h 30 – 12 h 00",
            "du lundi au vendredi : 14 h 00 – 16 h 30",
        ),
        time_control="déclaration hebdomadaire des heures de début et de fin de travail dans le logiciel "
        "de gestion des temps, validée par le responsable hiérarchique.",
        equipment=(
            "ordinateur portable Dell Latitude 5440",
            "casque avec micro",
            "accès VPN et jeton d'authentification",
        ),
        allowance=ALLOWANCES["per_weekly_day"],
        insurance_required=True,
        electrical_statement_required=True,
        it_charter_ref="charte informatique, version 3 du 15 janvier 2025",
        annual_interview_first_date="2027-03-15",
        place_of_signature="Cahors",
    )
    return AmendmentSnapshot(**{**values, **overrides})


def notice(**overrides: Any) -> NoticeSnapshot:
    """Sample end-of-telework notice (employer initiative, during adaptation)."""
    values = dict(
        reference="NT-2026-00007",
        issue_date="2026-05-04",
        employer=employer(),
        employee=employee(),
        amendment_reference="AV-2026-00042-v2",
        amendment_date="2026-03-02",
        initiative="employer",
        phase="adaptation",
        notification_date="2026-05-04",
        method="remise en main propre contre décharge",
        notice_days=15,
        effective_end_date="2026-05-22",
        reason="réorganisation de l'équipe autour d'un projet nécessitant une présence quotidienne",
        return_arrangements=ReturnArrangements(
            site_name="Agence de Cahors",
            site_address="12 allée des Soupirs, 46000 Cahors",
            schedule="du lundi au vendredi, 9 h 00 – 12 h 30 et 13 h 30 – 17 h 00",
            manager="M. Julien Lacoste, responsable du service Études et méthodes",
            resumption_date="2026-05-25",
        ),
        vacant_posts=(
            VacantPost(
                code="ETU-07",
                title="chargé d'études senior",
                department="Études et méthodes",
                establishment="Agence de Cahors",
            ),
            VacantPost(
                code="MET-02",
                title="méthodiste",
                department="Production",
                establishment="Agence de Figeac",
            ),
        ),
        equipment_to_return=("ordinateur portable Dell Latitude 5440", "casque avec micro"),
        allowance_end="l'allocation forfaitaire cesse d'être due à compter du 23/05/2026 ; "
        "celle de mai 2026 est versée au prorata.",
        requires_countersignature=False,
        place_of_signature="Cahors",
    )
    return NoticeSnapshot(**{**values, **overrides})


def refusal(**overrides: Any) -> RefusalSnapshot:
    """Sample reasoned refusal letter."""
    values = dict(
        reference="RF-2026-00003",
        issue_date="2026-02-20",
        employer=employer(),
        employee=employee(civility="Monsieur", full_name="Thomas Bergougnoux"),
        request_date="2026-02-01",
        wished_days="3 jours par semaine (lundi, mercredi et vendredi)",
        refusal_reason="le poste requiert une présence quotidienne auprès de l'atelier de prototypage",
        decided_by="M. Julien Lacoste, responsable du service Études et méthodes",
        decision_date="2026-02-18",
        place_of_signature="Cahors",
    )
    return RefusalSnapshot(**{**values, **overrides})


def _poison(value: Any, marker: str) -> Any:
    """Recursively append the hostile marker to every non-empty free-text string."""
    if dataclasses.is_dataclass(value):
        changes = {}
        for field in dataclasses.fields(value):
            if field.name in NON_FREE_TEXT:
                continue
            changes[field.name] = _poison(getattr(value, field.name), marker)
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_poison(item, marker) for item in value)
    if isinstance(value, str):
        return f"{value} {marker}"
    return value


#: Fields holding codes, enums or dates, which the snapshot validates (not free text).
NON_FREE_TEXT = frozenset({
    "issue_date", "hire_date", "contract_date", "date", "acceptance_date", "start_date", "end_date",
    "annual_interview_first_date", "amendment_date", "notification_date", "effective_end_date",
    "resumption_date", "request_date", "decision_date", "initiative", "part", "kind", "scheme",
    "phase", "method", "days_per_week", "weekday", "reversibility_clause", "onsite_min_days",
})  # fmt: skip


def hostile(snapshot: Any, marker: str = HOSTILE) -> Any:
    """Copy of ``snapshot`` with the hostile marker appended to every free-text field."""
    return _poison(snapshot, marker)
