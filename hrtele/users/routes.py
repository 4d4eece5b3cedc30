"""Account screens: admins manage every account; HR invites an employee."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from hrtele.audit.service import record
from hrtele.auth.access import current_actor, get_visible_or_404, require_admin, require_hr
from hrtele.auth.routes import safe_next
from hrtele.auth.sessions import revoke_all_sessions, user_sessions
from hrtele.auth.two_factor import is_enrolled, reset_second_factor
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.mail import mail_enabled
from hrtele.models import Employee, Invitation, User
from hrtele.models.base import utcnow
from hrtele.models.user import ROLES
from hrtele.users.forms import UserCreateForm, VersionedActionForm
from hrtele.users.services import (
    LABEL,
    MAIL_FAILED,
    NO_MAIL,
    create_invitation,
    create_user,
    employee_account,
    employee_space_status,
    has_issued_amendment,
    list_users_stmt,
    pending_invitation,
    send_invitation,
    set_active,
    set_signatory,
)
from hrtele.users.services import invite_employee as open_employee_account
from hrtele.web.forms import EmptyForm
from hrtele.web.pagination import paginate, search_term

bp = Blueprint("users", __name__, url_prefix="/comptes")

# Every route here is admin-only, except these, open to HR.
HR_ENDPOINTS = frozenset({"users.invite_employee"})


@bp.app_context_processor
def _employee_space():
    """employee_space_status(employee_id) for the « Inviter le salarié » partial."""
    return {"employee_space_status": employee_space_status,
            "has_issued_amendment": has_issued_amendment}


@bp.before_request
def _gate():
    """Admin-only area, with the HR invitation as the single exception."""
    if request.endpoint in HR_ENDPOINTS:
        return require_hr()
    return require_admin()


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _deliver(user: User, invitation: Invitation, token: str, created: bool = False):
    """E-mail the link; show it to the admin only for staff accounts whose mail did not go.

    The link of an employee account is never displayed: only the employee, through their
    mailbox, may choose its password (the caller rolls back when the mail cannot go).
    """
    mailed = send_invitation(user, invitation, token)
    if user.role == "employee":
        if not mailed:
            raise BusinessRuleError(NO_MAIL if not mail_enabled() else MAIL_FAILED)
        return None
    if mailed:
        return None
    link = url_for("auth.invitation", token=token, _external=True)
    return render_template(
        "users/invitation_link.html", user=user, invitation=invitation, link=link,
        mailed=False, mail_configured=mail_enabled(), created=created,
    )


def _sent(user: User, created: bool):
    flash(("Compte créé. " if created else "")
          + f"Le lien d'invitation a été envoyé par courriel à {user.email}.", "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/")
def index():
    """Accounts, searchable, filtered by role and status, paginated."""
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    page = paginate(list_users_stmt(search_term(), role if role in ROLES else "",
                                    status if status in ("active", "inactive") else ""))
    return render_template("users/index.html", page=page, role=role, status=status, roles=ROLES)


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Create an HR, admin or employee account and hand over its invitation link."""
    form = UserCreateForm()
    if form.validate_on_submit():
        actor = current_actor()
        try:
            employee_id = None
            if form.role.data == "employee":
                employee_id = db.session.scalar(
                    select(Employee.id).where(
                        func.lower(Employee.personnel_number)
                        == (form.personnel_number.data or "").lower()
                    )
                )
                if employee_id is None:
                    raise BusinessRuleError(
                        f"Aucun salarié n'a le matricule « {form.personnel_number.data} »."
                    )
            if form.role.data == "employee" and not mail_enabled():
                raise BusinessRuleError(NO_MAIL)
            user = create_user(form.email.data, form.role.data, None, actor,
                               form.display_name.data or "", employee_id)
            invitation, token = create_invitation(user, actor)
            page = _deliver(user, invitation, token, created=True)
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            message = str(exc)
            field = form.personnel_number if "salarié" in message.lower() and \
                "courriel" not in message else form.email
            field.errors.append(message)
        else:
            return page or _sent(user, created=True)
    status = 422 if request.method == "POST" else 200
    return render_template("users/form.html", form=form), status


def _show(user: User, status: int = 200, error: str | None = None):
    action_form = VersionedActionForm()
    action_form.version.data = user.version
    return render_template(
        "users/show.html", user=user, action_form=action_form,
        invitation=pending_invitation(user.id), sessions=user_sessions(user.id),
        second_factor=is_enrolled(user),
        employee=db.session.get(Employee, user.employee_id) if user.employee_id else None,
        error=error,
    ), status


@bp.route("/<int:user_id>")
def show(user_id: int):
    """One account: role, status, pending invitation, open sessions, actions."""
    return _show(_user_or_404(user_id))


def _toggle(user_id: int, active: bool):
    user = _user_or_404(user_id)
    form = VersionedActionForm()
    if not form.validate_on_submit():
        return _show(user, 422, "Formulaire invalide : rechargez la page.")
    try:
        set_active(user, active, current_actor(), form.version.data)
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _show(user, 422, str(exc))
    flash("Compte réactivé." if active else "Compte désactivé : ses sessions ont été fermées.",
          "success")
    return redirect(url_for("users.show", user_id=user.id))


def _signatory(user_id: int, allowed: bool):
    user = _user_or_404(user_id)
    form = VersionedActionForm()
    if not form.validate_on_submit():
        return _show(user, 422, "Formulaire invalide : rechargez la page.")
    try:
        set_signatory(user, allowed, current_actor(), form.version.data)
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _show(user, 422, str(exc))
    flash("Ce compte peut désormais signer pour l'employeur." if allowed
          else "Ce compte ne peut plus signer pour l'employeur.", "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/<int:user_id>/signataire", methods=["POST"])
def allow_signing(user_id: int):
    """Allow an HR account to sign documents for the employer (signature circuit)."""
    return _signatory(user_id, True)


@bp.route("/<int:user_id>/signataire/retirer", methods=["POST"])
def withdraw_signing(user_id: int):
    """Withdraw the right to sign for the employer."""
    return _signatory(user_id, False)


@bp.route("/<int:user_id>/desactiver", methods=["POST"])
def deactivate(user_id: int):
    """Deactivate an account: it can no longer log in and its sessions end at once."""
    return _toggle(user_id, False)


@bp.route("/<int:user_id>/reactiver", methods=["POST"])
def reactivate(user_id: int):
    """Reactivate an account."""
    return _toggle(user_id, True)


@bp.route("/<int:user_id>/invitation", methods=["POST"])
def invite(user_id: int):
    """New one-time link to (re)set the password; earlier links stop working."""
    user = _user_or_404(user_id)
    form = VersionedActionForm()
    if not form.validate_on_submit():
        return _show(user, 422, "Formulaire invalide : rechargez la page.")
    check_version(user, form.version.data, LABEL)
    try:
        invitation, token = create_invitation(user, current_actor())
        page = _deliver(user, invitation, token)
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _show(user, 422, str(exc))
    return page or _sent(user, created=False)


@bp.route("/<int:user_id>/sessions/fermer", methods=["POST"])
def revoke_sessions(user_id: int):
    """End every open session of an account (ASVS 7.4.5)."""
    user = _user_or_404(user_id)
    form = VersionedActionForm()
    if not form.validate_on_submit():
        return _show(user, 422, "Formulaire invalide : rechargez la page.")
    check_version(user, form.version.data, LABEL)
    closed = revoke_all_sessions(user.id)
    record("sessions_closed", "users", user.id, current_actor(), {"sessions": closed})
    db.session.commit()
    flash(f"{closed} session(s) fermée(s).", "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/<int:user_id>/double-authentification/reinitialiser", methods=["POST"])
def reset_two_factor(user_id: int):
    """Forget the account's authenticator and recovery codes (lost phone); sessions end."""
    user = _user_or_404(user_id)
    form = VersionedActionForm()
    if not form.validate_on_submit():
        return _show(user, 422, "Formulaire invalide : rechargez la page.")
    check_version(user, form.version.data, LABEL)
    reset_second_factor(user, current_actor())
    revoke_all_sessions(user.id)
    user.updated_dt = utcnow()  # a new version: forms opened before this are stale
    db.session.commit()
    flash("Double authentification réinitialisée : la personne en configurera une nouvelle à "
          "sa prochaine connexion.", "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/inviter-salarie/<int:employee_id>", methods=["GET", "POST"])
def invite_employee(employee_id: int):
    """HR invites an employee into their space: the link goes to the employee's e-mail only."""
    actor = current_actor()
    employee = get_visible_or_404(Employee, employee_id, actor)
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        try:
            user, _invitation = open_employee_account(employee, actor)
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(f"Invitation envoyée par courriel à {user.email} : le salarié choisira "
                  "lui-même son mot de passe grâce au lien, valable 7 jours.", "success")
            back = safe_next(request.form.get("next"))
            return redirect(back or url_for("users.invite_employee", employee_id=employee.id))
    account = employee_account(employee.id)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "users/invite_employee.html", form=form, employee=employee, account=account,
        space_status=employee_space_status(employee.id), error=error,
        invitation=pending_invitation(account.id) if account else None,
        mail_configured=mail_enabled(),
    ), status
