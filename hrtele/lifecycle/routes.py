"""Lifecycle screens (HR): transitions, amendment, interviews, attestations, equipment,
imposed telework and priority return. Routes are thin: forms validate, services act, the
route commits once and answers 422 (nothing changed) when something is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hrtele import clock
from hrtele.auth.access import current_actor, get_visible_or_404, require_hr
from hrtele.domain import lifecycle as lc
from hrtele.domain.notice import notice_sentence
from hrtele.domain_adapters import RuleViolations, employer_policy
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.lifecycle import forms, links, services
from hrtele.lifecycle.services import fmt
from hrtele.models import Agreement, AnnualInterview, Employee, EquipmentItem, Post
from hrtele.web.inputs import MAX_ID, parse_int
from hrtele.web.labels import LABELS
from hrtele.web.pagination import paginate
from hrtele.web.saving import save_form

bp = Blueprint("lifecycle", __name__, url_prefix="/suivi")
bp.before_request(require_hr)

# URL slug, form, page title and help texts (naming the rule) of each transition.
EVENT_SLUGS: dict[str, str] = {
    "signature": lc.SIGN,
    "demarrage": lc.ACTIVATE,
    "fin-adaptation": lc.END_ADAPTATION,
    "notification-fin": lc.NOTIFY_END,
    "constat-fin": lc.COMPLETE_END,
    "suspension": lc.SUSPEND,
    "reprise": lc.RESUME,
    "renouvellement": lc.RENEW,
    "abandon": lc.CANCEL,
}
SLUG_OF: dict[str, str] = {event: slug for slug, event in EVENT_SLUGS.items()}

FORMS = {
    lc.SIGN: forms.SignForm,
    lc.ACTIVATE: forms.EventDateForm,
    lc.END_ADAPTATION: forms.EventDateForm,
    lc.NOTIFY_END: forms.NotifyEndForm,
    lc.COMPLETE_END: forms.EventDateForm,
    lc.SUSPEND: forms.SuspendForm,
    lc.RESUME: forms.EventDateForm,
    lc.RENEW: forms.RenewForm,
    lc.CANCEL: forms.CancelForm,
}

DATE_LABELS = {
    lc.ACTIVATE: "Premier jour de télétravail",
    lc.END_ADAPTATION: "Date de clôture de la période d'adaptation",
    lc.COMPLETE_END: "Date de fin du télétravail",
    lc.RESUME: "Date de reprise du télétravail",
}

HELP: dict[str, dict[str, str]] = {
    lc.SIGN: {
        "employee_signed_date": "Date portée par le salarié sur l'avenant ; elle ne peut pas "
        "précéder l'émission de l'avenant (C. trav. L1222-9, 2012 : avenant au contrat).",
        "employer_signed_date": "Date de signature du représentant de l'employeur ; les deux "
        "signatures sont nécessaires.",
    },
    lc.ACTIVATE: {
        "event_date": "Au plus tôt la date de début prévue par l'avenant et après les signatures. "
        "Les attestations exigées par la politique de l'employeur (assurance habitation, "
        "conformité électrique du domicile) doivent avoir été reçues.",
    },
    lc.END_ADAPTATION: {
        "event_date": "À partir du lendemain du dernier jour de la période d'adaptation "
        "(ANI 19/07/2005 art. 2). Ensuite, la fin du télétravail suit la clause de "
        "réversibilité (art. 3).",
    },
    lc.NOTIFY_END: {
        "initiative": "Pendant la période d'adaptation, chaque partie peut mettre fin au "
        "télétravail (ANI art. 2) ; après, selon la clause de réversibilité de l'avenant ou "
        "d'un commun accord (ANI art. 3).",
        "notification_date": "Remise de la lettre ou première présentation de la LRAR : elle "
        "fait courir le délai de prévenance.",
        "method": "Écrit obligatoire : lettre recommandée avec avis de réception ou lettre "
        "remise en main propre contre décharge (clause de l'avenant).",
        "effective_date": "Au plus tôt : date de notification + délai de prévenance. Laissez "
        "vide pour retenir cette date.",
        "is_end_mutual": "À cocher quand les deux parties conviennent de la fin : la "
        "notification sera contresignée par le salarié (ANI art. 3).",
        "reason": "Non obligatoire dans le secteur privé (loi 2012 et ANI 2005).",
        "return_arrangements": "Poste, site, horaires, responsable et date de reprise sur site : "
        "le salarié retrouve un poste dans les locaux correspondant à sa qualification "
        "(ANI art. 2).",
    },
    lc.COMPLETE_END: {
        "event_date": "Au plus tôt la date d'effet notifiée (délai de prévenance respecté). "
        "Les équipements non restitués restent listés dans « À faire ».",
    },
    lc.SUSPEND: {
        "reason": "Circonstances exceptionnelles (menace d'épidémie, force majeure…) : le motif "
        "est obligatoire (clause de l'avenant ; C. trav. L1222-11).",
        "start_date": "Premier jour sans télétravail.",
        "end_date": "Facultative ; elle peut être égale à la date de début.",
    },
    lc.RESUME: {
        "event_date": "Le télétravail reprend dans l'état antérieur à la suspension (période "
        "d'adaptation ou actif) ; au plus tôt le début de la suspension.",
    },
    lc.RENEW: {
        "end_date": "Seul un accord à durée déterminée se renouvelle ; la nouvelle échéance "
        "doit suivre l'actuelle. Une nouvelle version de l'avenant sera à émettre.",
    },
    lc.CANCEL: {
        "reason": "Un accord ne peut être abandonné qu'avant sa signature.",
    },
}

IMPOSED_HELP = {
    "reason": "Menace d'épidémie, force majeure… : le télétravail peut alors être imposé pour "
    "assurer la continuité de l'activité et protéger les salariés (C. trav. L1222-11, 2012).",
    "start_date": "Premier jour de télétravail imposé.",
    "end_date": "Facultative : la fin est constatée quand les circonstances cessent.",
    "days_per_week": "De 0,5 à 5 jours, par journées ou demi-journées.",
    "contact_slots": "Laissez vide pour reprendre les plages de la politique de l'employeur "
    "(C. trav. L1222-10 5°).",
    "time_control": "Laissez vide pour reprendre les modalités de la politique de l'employeur.",
    "equipment": "Matériel mis à disposition pour la durée des circonstances (ANI art. 7).",
}


def _agreement_or_404(agreement_id: int) -> Agreement:
    return get_visible_or_404(Agreement, agreement_id, current_actor())


def _form_data(form) -> dict[str, Any]:
    return {name: f.data for name, f in form._fields.items() if name != "csrf_token"}


def _field_error(form, field_name: str | None, message: str) -> None:
    """Show a refusal beside its field when the form has it, else at the top of the form."""
    target = form._fields.get(field_name) if field_name else None
    if target is not None and target.type not in ("HiddenField", "VersionField"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


def _refusal_text(exc: lc.TransitionRefused) -> str:
    return f"{exc.message} ({exc.basis})" if exc.basis else exc.message


def _refused_transition(form, exc: lc.TransitionRefused) -> str:
    """Roll back a refused transition, show why beside its field (once); the text."""
    db.session.rollback()
    refusal = _refusal_text(exc)
    # Shown once, beside its field (or in the form's error summary), not again in a flash.
    _field_error(form, exc.field, refusal)
    return refusal


def _violation_errors(form, violations) -> None:
    """Show each violation beside its field (hidden fields excepted), else atop the form."""
    for v in violations:
        message = f"{v.message} ({v.basis})" if v.basis else v.message
        _field_error(form, v.field, message)


def _save(form, operation, success: str) -> bool:
    """Run a service, commit, flash ``success``; refusals are shown on the form (False)."""
    return save_form(form, operation, success=success, on_violations=_violation_errors) is not None


def _back_to(agreement_id: int):
    return redirect(links.agreement_url(agreement_id))


def _issue_action(agreement: Agreement) -> dict[str, str] | None:
    """How to issue the avenant from the panel: the documents area's endpoint, if it exists."""
    url = links.object_url("documents.issue_amendment", agreement.id)
    if url is None:
        return None
    methods = links.endpoint_methods("documents.issue_amendment")
    return {"url": url, "method": "GET" if "GET" in methods else "POST"}


def panel_for(agreement: Agreement) -> dict[str, Any]:
    """What the lifecycle panel of one agreement shows (state, actions, follow-up, timeline)."""
    data = services.panel_data(agreement, clock.today())
    data["issue_action"] = _issue_action(agreement)
    if data["issue_action"] is not None:
        # The documents area knows whether a version is due (first issue, or terms changed
        # since the last one): no « issue » button on an amendment that is up to date.
        from hrtele.documents.services import amendment_plan

        data["can_issue"] = amendment_plan(agreement, clock.today()).allowed
    data["slugs"] = SLUG_OF
    data["event_labels"] = lc.EVENT_LABELS
    return data


@bp.app_context_processor
def _panel_helpers():
    """Template helpers for the panels other areas' pages include."""

    def lifecycle_panel(agreement: Agreement) -> dict[str, Any]:
        return panel_for(agreement)

    def lifecycle_employee_panel(employee: Employee) -> dict[str, Any]:
        return services.employee_panel_data(employee, clock.today())

    return {
        "lifecycle_panel": lifecycle_panel,
        "lifecycle_employee_panel": lifecycle_employee_panel,
        "agreement_url": links.agreement_url,
    }


# --------------------------------------------------------------------------------------------
# Agreement follow-up page and transitions
# --------------------------------------------------------------------------------------------


@bp.route("/accords/<int:agreement_id>")
def agreement(agreement_id: int):
    """Lifecycle of one agreement: state, actions, follow-up and timeline."""
    item = _agreement_or_404(agreement_id)
    return render_template("lifecycle/agreement.html", agreement=item)


def _transition_defaults(form, item: Agreement, event: str, today) -> None:
    if event == lc.ACTIVATE and item.start_date is not None:
        form.event_date.data = min(item.start_date, today)
    elif event == lc.END_ADAPTATION:
        end = services.adaptation_end_of(item)
        form.event_date.data = min(end + timedelta(days=1), today) if end else today
    elif event == lc.COMPLETE_END:
        form.event_date.data = min(item.ending_effective_date or today, today)
    elif event == lc.RESUME:
        form.event_date.data = today
    elif event == lc.SUSPEND:
        form.start_date.data = today
    elif event == lc.NOTIFY_END:
        form.notification_date.data = today
        form.return_arrangements.data = _default_return_arrangements(item)


def _default_return_arrangements(item: Agreement) -> str:
    employee = item.employee
    post = employee.post
    site = post.establishment.name if post is not None and post.establishment is not None else ""
    parts = ["Reprise de l'activité dans les locaux de l'entreprise"]
    if site:
        parts[0] += f" ({site})"
    if post is not None:
        parts.append(f"sur le poste « {post.title} »")
    if employee.manager is not None:
        parts.append(f"sous la responsabilité de {employee.manager.full_name}")
    return ", ".join(parts) + ", selon l'horaire collectif du service, à compter de la date de fin du télétravail."


def _notice_info(item: Agreement, today) -> dict[str, Any] | None:
    if item.status not in lc.ENDABLE_STATES:
        return None
    terms = services.end_terms_for(item, today)
    return {"sentence": notice_sentence(terms), "basis": terms.basis}


def _render_transition(form, item: Agreement, event: str, refusal: str | None, status: int):
    today = clock.today()
    return render_template(
        "lifecycle/transition.html",
        form=form,
        agreement=item,
        event=event,
        slug=SLUG_OF[event],
        title=lc.EVENT_LABELS[event],
        help=HELP.get(event, {}),
        date_label=DATE_LABELS.get(event),
        refusal=refusal,
        notice=_notice_info(item, today) if event == lc.NOTIFY_END else None,
        equipment_out=(
            [i for i in services.agreement_equipment(item.id) if i.returned_date is None]
            if event == lc.COMPLETE_END else []
        ),
    ), status


@bp.route("/accords/<int:agreement_id>/<slug>", methods=["GET", "POST"])
def transition(agreement_id: int, slug: str):
    """Form of one transition (GET) and its application (POST: one commit, 422 if refused)."""
    event = EVENT_SLUGS.get(slug)
    if event is None:
        abort(404)
    item = _agreement_or_404(agreement_id)
    form = FORMS[event]()
    if event in DATE_LABELS:
        form.event_date.label.text = DATE_LABELS[event]
    today = clock.today()
    refusal = None
    if request.method == "GET":
        form.version.data = item.version
        _transition_defaults(form, item, event, today)
        try:
            services.check_allowed(item, event)
        except lc.TransitionRefused as exc:
            refusal = exc.message
        return _render_transition(form, item, event, refusal, 200)
    if form.validate_on_submit():
        try:
            row = services.transition(item, event, _form_data(form), current_actor(), today)
            db.session.commit()
        except lc.TransitionRefused as exc:
            refusal = _refused_transition(form, exc)
        else:
            _after_transition(item, event, row.to_state)
            return _back_to(item.id)
    return _render_transition(form, item, event, refusal, 422)


def _after_transition(item: Agreement, event: str, target: str) -> None:
    flash(
        f"« {LABELS['agreement_event'].get(event, event)} » enregistré : l'accord est désormais "
        f"« {lc.STATE_LABELS[target]} ».",
        "success",
    )
    if event in (lc.NOTIFY_END, lc.COMPLETE_END):
        out = [i for i in services.agreement_equipment(item.id) if i.returned_date is None]
        if out:
            flash(
                f"{len(out)} équipement(s) prêté(s) restent à restituer (ANI 19/07/2005 art. 7).",
                "warning",
            )
        posts = services.matching_vacant_posts(item) if item.kind == "regular" else []
        if posts:
            flash(
                f"Priorité de retour : {len(posts)} poste(s) vacant(s) sans télétravail "
                "correspondent à ce salarié ; informez-le (C. trav. L1222-10 3°, 2012).",
                "warning",
            )
    if event == lc.RENEW:
        flash("Une nouvelle version de l'avenant (renouvellement) est à émettre.", "warning")


@bp.route("/accords/<int:agreement_id>/avenant-modificatif", methods=["GET", "POST"])
def amend(agreement_id: int):
    """« Avenant modificatif »: days, place or allowance of an agreement in force."""
    from hrtele.agreements.services import place_choices
    from hrtele.places.services import place_names

    item = _agreement_or_404(agreement_id)
    form = forms.AmendForm()
    form.place_id.choices = place_choices(item.employee)
    form.second_place_id.choices = place_choices(item.employee)
    form.weekly_pattern.working_week = item.employee.working_pattern
    form.weekly_pattern.place_labels = place_names(item.place, item.second_place)
    today = clock.today()
    refusal = None
    if request.method == "GET":
        form.version.data = item.version
        form.effective_date.data = today
        form.days_per_week.data = item.days_per_week
        form.weekly_pattern.data = item.weekly_pattern
        form.place_id.data = item.place_id or 0
        form.second_place_id.data = item.second_place_id or 0
        form.allowance_scheme.data = item.allowance_scheme
        form.allowance_amount.data = item.allowance_amount
        form.allowance_monthly_cap.data = item.allowance_monthly_cap
        try:
            services.check_allowed(item, lc.AMEND)
        except lc.TransitionRefused as exc:
            refusal = exc.message
        return _render_amend(form, item, refusal, 200)
    if form.validate_on_submit():
        data = form.service_data()
        try:
            services.check_amendment(item, data)
            if form.accept_violations(services.amendment_violations(item, data, today)):
                services.amend_agreement(item, data, current_actor(), today, confirm_warnings=True)
                db.session.commit()
                flash(
                    "Avenant modificatif enregistré : une nouvelle version de l'avenant est à "
                    "émettre puis à faire signer par les deux parties.",
                    "success",
                )
                return _back_to(item.id)
        except lc.TransitionRefused as exc:
            refusal = _refused_transition(form, exc)
        except RuleViolations as exc:
            db.session.rollback()
            form.accept_violations(exc.violations)
        except BusinessRuleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
    return _render_amend(form, item, refusal, 422)


def _render_amend(form, item: Agreement, refusal: str | None, status: int):
    return render_template("lifecycle/amend.html", form=form, agreement=item, refusal=refusal), status


@bp.route("/salaries/<int:employee_id>/teletravail-impose", methods=["GET", "POST"])
def start_imposed(employee_id: int):
    """Telework imposed under exceptional circumstances (L1222-11): a new exceptional record."""
    employee = get_visible_or_404(Employee, employee_id, current_actor())
    form = forms.StartImposedForm()
    today = clock.today()
    if request.method == "GET":
        form.start_date.data = today
        form.days_per_week.data = 5
        policy = employer_policy()
        if policy is not None:
            form.contact_slots.data = policy.default_contact_slots
            form.time_control.data = policy.default_time_control
    elif form.validate_on_submit():
        try:
            item = services.start_imposed(employee, _form_data(form), current_actor(), today)
            db.session.commit()
        except lc.TransitionRefused as exc:
            _refused_transition(form, exc)
        else:
            flash(
                f"Télétravail imposé enregistré pour {employee.full_name} à partir du "
                f"{fmt(item.start_date)} (C. trav. L1222-11).",
                "success",
            )
            return _back_to(item.id)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "lifecycle/start_imposed.html", form=form, employee=employee, help=IMPOSED_HELP,
        employee_url=links.employee_url(employee.id),
    ), status


# --------------------------------------------------------------------------------------------
# Annual interview
# --------------------------------------------------------------------------------------------


def _render_interview(form, item: Agreement, interview: AnnualInterview | None, status: int):
    return render_template(
        "lifecycle/interview_form.html", form=form, agreement=item, interview=interview,
        due=services.interview_due_date(item),
    ), status


@bp.route("/accords/<int:agreement_id>/entretiens/nouveau", methods=["GET", "POST"])
def interview_new(agreement_id: int):
    """Record the annual interview on conditions of activity and workload."""
    item = _agreement_or_404(agreement_id)
    form = forms.InterviewForm()
    today = clock.today()
    if request.method == "GET":
        form.held_date.data = today
    elif form.validate_on_submit():
        if _save(form, lambda: services.record_interview(
            item, _form_data(form), current_actor(), today
        ), "Entretien annuel enregistré."):
            return _back_to(item.id)
    return _render_interview(form, item, None, 422 if request.method == "POST" else 200)


@bp.route("/entretiens/<int:interview_id>")
def interview_show(interview_id: int):
    """One recorded interview (printable)."""
    interview = db.session.get(AnnualInterview, interview_id) or abort(404)
    _agreement_or_404(interview.agreement_id)
    return render_template(
        "lifecycle/interview_show.html", interview=interview,
        data=services.interview_snapshot_data(interview),
        print_url=links.object_url("documents.interview_record", interview.id),
    )


@bp.route("/entretiens/<int:interview_id>/modifier", methods=["GET", "POST"])
def interview_edit(interview_id: int):
    """Correct a recorded interview (409 if someone else saved it meanwhile)."""
    interview = db.session.get(AnnualInterview, interview_id) or abort(404)
    item = _agreement_or_404(interview.agreement_id)
    form = forms.InterviewForm(obj=interview)
    if request.method == "GET":
        form.version.data = interview.version
    elif form.validate_on_submit():
        if _save(form, lambda: services.update_interview(
            interview, _form_data(form), current_actor(), clock.today()
        ), "Entretien annuel corrigé."):
            return _back_to(item.id)
    return _render_interview(form, item, interview, 422 if request.method == "POST" else 200)


# --------------------------------------------------------------------------------------------
# Attestations
# --------------------------------------------------------------------------------------------


@bp.route("/accords/<int:agreement_id>/attestations", methods=["GET", "POST"])
def attestations(agreement_id: int):
    """Home insurance and electrical-conformity attestations of the agreement."""
    item = _agreement_or_404(agreement_id)
    form = forms.AttestationsForm(obj=item)
    if request.method == "GET":
        form.version.data = item.version
    elif form.validate_on_submit():
        if _save(form, lambda: services.update_attestations(
            item, _form_data(form), current_actor(), clock.today()
        ), "Attestations enregistrées."):
            return _back_to(item.id)
    insurance_required, electrical_required = services.attestation_requirements(item)
    return render_template(
        "lifecycle/attestations.html", form=form, agreement=item,
        insurance_required=insurance_required, electrical_required=electrical_required,
    ), 422 if request.method == "POST" else 200


# --------------------------------------------------------------------------------------------
# Equipment
# --------------------------------------------------------------------------------------------


@bp.route("/accords/<int:agreement_id>/equipements/nouveau", methods=["GET", "POST"])
def equipment_new(agreement_id: int):
    """Record an item lent under the agreement."""
    item = _agreement_or_404(agreement_id)
    form = forms.EquipmentForm()
    if request.method == "GET":
        form.issued_date.data = clock.today()
    elif form.validate_on_submit():
        if _save(form, lambda: services.add_equipment(
            item, _form_data(form), current_actor(), clock.today()
        ), "Équipement enregistré."):
            return _back_to(item.id)
    return render_template("lifecycle/equipment_form.html", form=form, agreement=item,
                           equipment=None), 422 if request.method == "POST" else 200


@bp.route("/equipements/<int:item_id>/restitution", methods=["GET", "POST"])
def equipment_return(item_id: int):
    """Record the return of a lent item (date, condition)."""
    equipment = db.session.get(EquipmentItem, item_id) or abort(404)
    item = _agreement_or_404(equipment.agreement_id)
    form = forms.EquipmentReturnForm()
    if request.method == "GET":
        form.version.data = equipment.version
        form.returned_date.data = clock.today()
    elif form.validate_on_submit():
        if _save(form, lambda: services.return_equipment(
            equipment, _form_data(form), current_actor(), clock.today()
        ), "Restitution enregistrée."):
            return _back_to(item.id)
    return render_template("lifecycle/equipment_form.html", form=form, agreement=item,
                           equipment=equipment), 422 if request.method == "POST" else 200


# --------------------------------------------------------------------------------------------
# Priority return to a non-telework post
# --------------------------------------------------------------------------------------------


def _render_priority(status: int = 200, form=None):
    page = paginate(services.vacant_posts_stmt())
    candidates = services.priority_candidates([p.id for p in page.items])
    return render_template(
        "lifecycle/priority.html", page=page, candidates=candidates,
        form=form or forms.InformForm(), today=clock.today(),
    ), status


@bp.route("/priorite")
def priority():
    """Vacant non-telework posts and, for each, the employees with priority return."""
    return _render_priority()


@bp.route("/priorite/<int:post_id>/salaries/<int:employee_id>/informe", methods=["POST"])
def inform(post_id: int, employee_id: int):
    """Mark an employee with priority as informed of a vacant post (L1222-10 3°, 2012)."""
    post = db.session.get(Post, post_id) or abort(404)
    employee = get_visible_or_404(Employee, employee_id, current_actor())
    form = forms.InformForm()
    back = request.form.get("back", "")
    if form.validate_on_submit():
        try:
            services.inform_priority(post, employee, _form_data(form), current_actor(),
                                     clock.today())
            db.session.commit()
        except RuleViolations as exc:
            db.session.rollback()
            flash(exc.violations[0].message, "error")
        except BusinessRuleError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"{employee.full_name} est enregistré(e) comme informé(e) du poste "
                  f"« {post.title} ».", "success")
            back_id = parse_int(back, minimum=1, maximum=MAX_ID)
            if back_id is not None:
                return _back_to(back_id)
            return redirect(url_for("lifecycle.priority"))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return _render_priority(422, form)
