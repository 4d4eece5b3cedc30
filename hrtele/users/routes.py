"""Account screens: admins manage every account; HR invites an employee."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from hrtele.audit.service import record
from hrtele.auth.access import current_actor, get_visible_or_404, require_admin, require_hr
from hrtele.auth.sessions import revoke_all_sessions, user_sessions
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.mail import mail_enabled, send_mail
from hrtele.models import Employee, Employer, Invitation, User
from hrtele.models.user import ROLES
from hrtele.users.forms import InviteEmployeeForm, UserCreateForm, VersionedActionForm
from hrtele.users.services import (
    create_invitation,
    create_user,
    list_users_stmt,
    pending_invitation,
    set_active,
    set_signatory,
)
from hrtele.users.services import invite_employee as open_employee_account
from hrtele.web.filters import datetime_fr
from hrtele.web.pagination import paginate, search_term

bp = Blueprint("users", __name__, url_prefix="/comptes")

# Every route here is admin-only, except these, open to HR.
HR_ENDPOINTS = frozenset({"users.invite_employee"})


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


def _invitation_mail(user: User, invitation: Invitation, link: str) -> bool:
    """E-mail the link to the account holder when a mail server is configured."""
    employer = db.session.scalar(select(Employer.name).order_by(Employer.id).limit(1)) or ""
    body = (
        f"Bonjour {user.display_name or ''},\n\n"
        f"Un accès à l'application de gestion du télétravail{' de ' + employer if employer else ''} "
        "a été ouvert pour vous.\n"
        f"Pour choisir votre mot de passe, ouvrez ce lien avant le "
        f"{datetime_fr(invitation.expires_dt)} (heure de Paris) :\n\n{link}\n\n"
        "Ce lien ne fonctionne qu'une seule fois. Votre identifiant est votre adresse "
        f"électronique : {user.email}.\n"
        "Si vous n'attendiez pas ce message, ignorez-le et prévenez le service RH.\n"
    )
    return send_mail(user.email, "Votre accès au télétravail : choisissez votre mot de passe", body)


def _link_page(user: User, invitation: Invitation, token: str, created: bool = False):
    link = url_for("auth.invitation", token=token, _external=True)
    mailed = _invitation_mail(user, invitation, link)
    return render_template(
        "users/invitation_link.html", user=user, invitation=invitation, link=link,
        mailed=mailed, mail_configured=mail_enabled(), created=created,
    )


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
            user = create_user(form.email.data, form.role.data, None, actor,
                               form.display_name.data or "", employee_id)
            invitation, token = create_invitation(user, actor)
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            field = form.personnel_number if "salarié" in str(exc).lower() else form.email
            field.errors.append(str(exc))
        else:
            return _link_page(user, invitation, token, created=True)
    status = 422 if request.method == "POST" else 200
    return render_template("users/form.html", form=form), status


def _show(user: User, status: int = 200, error: str | None = None):
    action_form = VersionedActionForm()
    action_form.version.data = user.version
    return render_template(
        "users/show.html", user=user, action_form=action_form,
        invitation=pending_invitation(user.id), sessions=user_sessions(user.id),
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
    try:
        invitation, token = create_invitation(user, current_actor())
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _show(user, 422, str(exc))
    return _link_page(user, invitation, token)


@bp.route("/<int:user_id>/sessions/fermer", methods=["POST"])
def revoke_sessions(user_id: int):
    """End every open session of an account (ASVS 7.4.5)."""
    user = _user_or_404(user_id)
    form = VersionedActionForm()
    if not form.validate_on_submit():
        return _show(user, 422, "Formulaire invalide : rechargez la page.")
    closed = revoke_all_sessions(user.id)
    record("sessions_closed", "users", user.id, current_actor(), {"sessions": closed})
    db.session.commit()
    flash(f"{closed} session(s) fermée(s).", "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/inviter-salarie/<int:employee_id>", methods=["GET", "POST"])
def invite_employee(employee_id: int):
    """HR: open the employee's account (without password) and hand over a one-time link."""
    actor = current_actor()
    employee = get_visible_or_404(Employee, employee_id, actor)
    account = db.session.scalar(select(User).where(User.employee_id == employee.id))
    form = InviteEmployeeForm()
    if request.method == "GET":
        form.email.data = account.email if account else employee.email
    if form.validate_on_submit():
        try:
            user, invitation, token = open_employee_account(employee, form.email.data, actor)
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            return _link_page(user, invitation, token, created=account is None)
    status = 422 if request.method == "POST" else 200
    return render_template("users/invite_employee.html", form=form, employee=employee,
                           account=account,
                           invitation=pending_invitation(account.id) if account else None), status

