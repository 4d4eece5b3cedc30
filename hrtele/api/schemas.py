"""JSON representations of the records the API reads (dump-only schemas)."""

from __future__ import annotations

from hrtele.api.fields import (
    Bool,
    Date,
    FrenchSchema,
    Int,
    JsonNumber,
    List,
    Money,
    Nested,
    Str,
    UtcDateTime,
)
from hrtele.api.paging import page_schema
from hrtele.api.patterns import worked_half_days
from hrtele.domain.notice import REVERSIBILITY_CLAUSES
from hrtele.domain.pattern import SLOT_NAMES


def _d(text: str, **extra) -> dict:
    return {"description": text, **extra}


class WorkedHalfDays(List):
    """The employee's working week (stored string) as the list of worked half-days."""

    def _serialize(self, value, attr, obj, **kwargs):
        return worked_half_days(value)


class TimestampsMixin:
    """Creation and update instants."""

    created_at = UtcDateTime(attribute="created_dt", metadata=_d("Création (UTC)."))
    updated_at = UtcDateTime(attribute="updated_dt", metadata=_d("Dernière modification (UTC)."))


class EmployeeSchema(TimestampsMixin, FrenchSchema):
    """A salarié, with the same field names as the CSV import columns."""

    id = Int(metadata=_d("Identifiant interne."))
    personnel_number = Str(metadata=_d("Matricule (clé d'import, unique)."))
    civility = Str(metadata=_d("« M. », « Mme » ou vide."))
    first_name = Str()
    last_name = Str()
    email = Str()
    post_code = Str(allow_none=True, attribute="post.code", metadata=_d("Code du poste."))
    category_code = Str(allow_none=True, attribute="category.code",
                        metadata=_d("Code de la catégorie."))
    hire_date = Date(allow_none=True)
    contract_date = Date(allow_none=True)
    working_time_rate = Int(metadata=_d("Taux d'activité en % (100 = temps plein)."))
    working_half_days = WorkedHalfDays(Str(metadata={"enum": list(SLOT_NAMES)}),
                                       attribute="working_pattern", metadata=_d(
        "Demi-journées travaillées selon le contrat (« mon_am » = lundi matin), du lundi au "
        "dimanche."))
    working_hours = Str(metadata=_d("Horaires de travail (vide : ceux de la politique)."))
    home_address = Str()
    commute_km = JsonNumber(metadata=_d("Distance domicile-travail, aller (km)."))
    commute_mode = Str(metadata=_d("Code du mode de transport."))
    manager_number = Str(allow_none=True, attribute="manager.personnel_number",
                         metadata=_d("Matricule du responsable."))
    is_active = Bool()
    version = Int(metadata=_d("Version (augmente à chaque modification)."))


class PostSchema(TimestampsMixin, FrenchSchema):
    """A poste, with the same field names as the CSV import columns."""

    id = Int()
    code = Str(metadata=_d("Code du poste (clé d'import, unique)."))
    title = Str()
    department = Str()
    establishment_name = Str(allow_none=True, attribute="establishment.name")
    category_code = Str(allow_none=True, attribute="category.code")
    is_eligible = Bool(metadata=_d("Poste télétravaillable."))
    eligibility_reason = Str()
    teleworkable_tasks = Str()
    max_days_per_week = JsonNumber(allow_none=True,
                                   metadata=_d("Plafond propre au poste (jours)."))
    headcount = Int()
    is_vacant = Bool()
    version = Int()


class PlaceSchema(TimestampsMixin, FrenchSchema):
    """A telework place: the employee's home or a third place."""

    id = Int()
    kind = Str(metadata=_d("home (domicile) ou third_place (tiers-lieu).",
                           enum=["home", "third_place"]))
    third_place_type = Str(metadata=_d("Type de tiers-lieu (télécentre, coworking…)."))
    name = Str()
    address = Str()
    capacity = Int(allow_none=True)
    employee_id = Int(allow_none=True, metadata=_d("Salarié dont c'est le domicile."))
    personnel_number = Str(allow_none=True, attribute="employee.personnel_number")
    version = Int()


class HalfDaySchema(FrenchSchema):
    """One teleworked half-day of the week and its place."""

    slot = Str(metadata=_d("Demi-journée (« mon_am » = lundi matin).", enum=list(SLOT_NAMES)))
    day = Str(metadata=_d("Jour (mon, tue, …)."))
    half = Str(metadata=_d("am (matin) ou pm (après-midi).", enum=["am", "pm"]))
    label = Str(metadata=_d("Libellé français (« lundi matin »)."))
    place_id = Int(allow_none=True, metadata=_d("Lieu de télétravail de cette demi-journée."))


class RequestSchema(TimestampsMixin, FrenchSchema):
    """A demande de télétravail and its decision."""

    id = Int()
    employee_id = Int()
    personnel_number = Str(attribute="employee.personnel_number")
    request_date = Date()
    initiative = Str(metadata=_d("employee (salarié) ou employer (employeur).",
                                 enum=["employee", "employer"]))
    wished_days = JsonNumber(metadata=_d("Jours souhaités par semaine."))
    wished_half_days = List(Nested(HalfDaySchema), metadata=_d(
        "Demi-journées souhaitées (vide : volume sans jours fixes)."))
    place_id = Int(allow_none=True)
    motive = Str()
    status = Str(metadata=_d("pending, accepted, refused ou withdrawn.",
                             enum=["pending", "accepted", "refused", "withdrawn"]))
    refusal_reason_id = Int(allow_none=True, metadata=_d(
        "Motif du catalogue des motifs de refus (null : aucun, ou refus antérieur au catalogue)."))
    refusal_reason_label = Str(allow_none=True, metadata=_d("Libellé de ce motif."))
    refusal_reason = Str(metadata=_d("Précision libre du refus."))
    decision_date = Date(allow_none=True)
    version = Int()


class AgreementSchema(TimestampsMixin, FrenchSchema):
    """An accord de télétravail: its weekly pattern as half-days, its places and its terms."""

    id = Int()
    employee_id = Int()
    personnel_number = Str(attribute="employee.personnel_number")
    request_id = Int(allow_none=True)
    kind = Str(metadata=_d("regular (avenant) ou exceptional (L1222-11).",
                           enum=["regular", "exceptional"]))
    status = Str()
    days_per_week = JsonNumber(metadata=_d("Jours de télétravail par semaine."))
    weekly_pattern = List(Nested(HalfDaySchema), metadata=_d(
        "Demi-journées de télétravail de la semaine, chacune avec son lieu (vide : volume "
        "hebdomadaire sans jours fixes)."))
    places = List(Nested(PlaceSchema), metadata=_d("Lieux de télétravail de l'accord."))
    start_date = Date()
    end_date = Date(allow_none=True)
    adaptation_months = Int()
    adaptation_end_date = Date(allow_none=True)
    notice_days_during_adaptation = Int(allow_none=True)
    notice_days_after_adaptation = Int(allow_none=True)
    reversibility_clause = Str(metadata=_d(
        "Après la période d'adaptation : notice (chaque partie peut y mettre fin avec le délai "
        "de prévenance) ou mutual (d'un commun accord seulement).",
        enum=list(REVERSIBILITY_CLAUSES)))
    contact_slots = Str(metadata=_d("Plages horaires de joignabilité."))
    time_control = Str(metadata=_d("Modalités de contrôle du temps de travail."))
    costs_coverage = Str(metadata=_d("Frais pris en charge en nature (ligne internet…)."))
    allowance_scheme = Str()
    allowance_amount = Money(metadata=_d("Montant (euros, deux décimales)."))
    allowance_monthly_cap = Money(allow_none=True,
                                  metadata=_d("Plafond mensuel (euros)."))
    ending_effective_date = Date(allow_none=True)
    ended_date = Date(allow_none=True)
    amendment_version = Int(metadata=_d("Dernière version d'avenant émise (0 : aucune)."))
    amendment_basis = Str(allow_none=True, metadata=_d(
        "Avenant sur lequel repose l'accord : issued (émis dans l'application), paper (signé "
        "sur papier avant elle, enregistré par les RH) ou null (aucun).",
        enum=["issued", "paper", None]))
    paper_amendment_date = Date(allow_none=True, metadata=_d(
        "Date de signature de l'avenant papier (accords antérieurs à l'application)."))
    notice_refusal = Str(allow_none=True, metadata=_d(
        "Pourquoi la notification de fin de télétravail ne peut pas être émise maintenant "
        "(null : elle peut l'être)."))
    version = Int()


class DocumentSchema(FrenchSchema):
    """An issued document's metadata (its PDF is at pdf_url)."""

    id = Int()
    reference = Str()
    kind = Str(metadata=_d("amendment, reversibility_notice, refusal_letter, interview_record "
                           "ou observatory."))
    kind_label = Str(metadata=_d("Nature du document, en français."))
    version = Int()
    employee_id = Int(allow_none=True)
    agreement_id = Int(allow_none=True)
    request_id = Int(allow_none=True)
    sha256 = Str(metadata=_d("Empreinte SHA-256 des octets du PDF émis."))
    size = Int(metadata=_d("Taille du PDF (octets)."))
    template_version = Str()
    issued_at = UtcDateTime(attribute="issued_dt")
    is_superseded = Bool(metadata=_d("Remplacé par une version plus récente."))
    pdf_url = Str(metadata=_d("Adresse du PDF (mêmes octets qu'à l'émission)."))


class AllowanceLineSchema(FrenchSchema):
    """One employee's row of a closed month's payroll export."""

    personnel_number = Str()
    last_name = Str()
    first_name = Str()
    agreement_reference = Str(metadata=_d("Référence de l'avenant (ou de l'accord)."))
    days = JsonNumber(metadata=_d("Jours télétravaillés dans le mois."))
    scheme = Str(metadata=_d("Mode d'indemnisation, en français."))
    amount = Money(metadata=_d("Montant (euros)."))
    exempt = Money(metadata=_d("Part exonérée (euros)."))
    excess = Money(metadata=_d("Part soumise à cotisations (euros)."))


class AllowanceTotalsSchema(FrenchSchema):
    """Totals of a closed month."""

    days = JsonNumber()
    amount = Money()
    exempt = Money()
    excess = Money()


class ClosedMonthSchema(FrenchSchema):
    """A closed month (its export is frozen)."""

    period = Str(metadata=_d("Mois (aaaa-mm).", pattern=r"^\d{4}-\d{2}$"))
    closed_at = UtcDateTime()
    row_count = Int()
    sha256 = Str(metadata=_d("Empreinte SHA-256 de l'export CSV enregistré."))


class AllowanceMonthSchema(ClosedMonthSchema):
    """The allowances of a closed month, read from its stored export."""

    totals = Nested(AllowanceTotalsSchema)
    lines = List(Nested(AllowanceLineSchema))


EmployeePageSchema = page_schema(EmployeeSchema, "EmployeePage")
PostPageSchema = page_schema(PostSchema, "PostPage")
PlacePageSchema = page_schema(PlaceSchema, "PlacePage")
RequestPageSchema = page_schema(RequestSchema, "RequestPage")
AgreementPageSchema = page_schema(AgreementSchema, "AgreementPage")
DocumentPageSchema = page_schema(DocumentSchema, "DocumentPage")
