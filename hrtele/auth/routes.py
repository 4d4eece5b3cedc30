"""Log-in, log-out, "Mon compte" and the invitation link (choose a password)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user

from hrtele.audit.service import record
from hrtele.auth.access import current_actor, guard, require_login
from hrtele.auth.forms import ChangePasswordForm, LoginForm, SetPasswordForm
from hrtele.auth.passwords import POLICY_HELP, hash_password, needs_rehash, verify_password
from hrtele.auth.sessions import (
    close_session,
    current_session_record,
    open_session,
    revoke_other_sessions,
    user_sessions,
)
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db, limiter, login_manager
from hrtele.models import User
from hrtele.users.services import (
    accept_invitation,
    find_user_by_email,
    find_valid_invitation,
    set_password,
)
from hrtele.web.forms import EmptyForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."

LOGIN_FAILED = "Adresse électronique ou mot de passe incorrect."


@login_manager.request_loader
def _load_from_session(_request):
    record_ = current_session_record()
    if record_ is None:
        return None
    user = db.session.get(User, record_.user_id)
    if user is None or not user.is_active_account:
        return None
    return user


@bp.before_app_request
def _load_user_first():
    """Resolve the session before any view work, so its bookkeeping never mixes with it."""
    # The JSON API never uses the session (hrtele.api.auth refuses session cookies there).
    if request.endpoint != "static" and not request.path.startswith("/api/"):
        current_user._get_current_object()  # type: ignore[attr-defined]


def safe_next(target: str | None) -> str | None:
    """Keep only a path of this site: no scheme, no host, no //, no backslash or control char."""
    if not target or len(target) > 2000:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target) or "\\" in target:
        return None  # browsers drop tabs/newlines and read "\" as "/": "/\t/evil" -> "//evil"
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: User) -> str:
    """Landing page of a role."""
    if user.is_hr:
        return url_for("home.index")
    if "portal.index" in current_app.view_functions:
        return url_for("portal.index")
    return url_for("auth.account")


def _account_key() -> str:
    """Throttling key per account: the submitted e-mail, lower-cased."""
    return "compte:" + (request.form.get("email") or "").strip().lower()[:254]


def _login_failed(response) -> bool:
    """Only failed attempts count against the limits (a successful log-in redirects)."""
    return response.status_code != 302


def _log_breach(request_limit) -> None:
    current_app.logger.warning(
        "log-in throttled (%s) for %s from %s", request_limit.limit, _account_key(),
        get_remote_address(),
    )


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_IP"], key_func=get_remote_address,
               methods=["POST"], deduct_when=_login_failed, on_breach=_log_breach,
               scope="connexion-ip")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], key_func=_account_key,
               methods=["POST"], deduct_when=_login_failed, on_breach=_log_breach,
               scope="connexion-compte")
def login():
    """Log in with e-mail and password."""
    actor = current_actor()
    if actor is not None:
        return redirect(safe_next(request.args.get("next")) or home_for(actor))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = find_user_by_email(email)
        ok = verify_password(user.password_hash if user else None, form.password.data)
        if ok and user is not None and user.is_active_account:
            if needs_rehash(user.password_hash or ""):
                user.password_hash = hash_password(form.password.data)
            open_session(user)
            record("login", "users", user.id, user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        record("login_failed", "users", user.id if user else None, None, {"email": email[:254]})
        db.session.commit()
        form.form_errors.append(LOGIN_FAILED)
        return render_template("auth/login.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/deconnexion", methods=["POST"])
def logout():
    """Log out: the server-side session record is deleted (CSRF-protected POST)."""
    actor = current_actor()
    if actor is not None:
        record("logout", "users", actor.id, actor)
    close_session()
    db.session.commit()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


def _account_page(form: ChangePasswordForm, status: int = 200):
    actor = current_actor()
    current = current_session_record()
    return render_template(
        "account/index.html",
        user=actor,
        form=form,
        sessions=user_sessions(actor.id),
        current_session_id=current.id if current else None,
        revoke_form=EmptyForm(),
        policy_help=POLICY_HELP,
    ), status


@bp.route("/mon-compte")
@guard(require_login)
def account():
    """The user's account: identity, open sessions, password change."""
    return _account_page(ChangePasswordForm(account_email=current_actor().email))


@bp.route("/mon-compte/mot-de-passe", methods=["POST"])
@guard(require_login)
def change_password():
    """Change one's password: other sessions end, this one gets a new session token."""
    actor = current_actor()
    form = ChangePasswordForm(account_email=actor.email)
    if form.validate_on_submit():
        if not verify_password(actor.password_hash, form.current_password.data):
            record("password_change_failed", "users", actor.id, actor)
            db.session.commit()
            form.current_password.errors.append("Mot de passe actuel incorrect.")
            return _account_page(form, 422)
        try:
            set_password(actor, form.new_password.data, actor)
            open_session(actor)
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.new_password.errors.append(str(exc))
            return _account_page(form, 422)
        flash("Mot de passe modifié. Vos autres sessions ont été fermées.", "success")
        return redirect(url_for("auth.account"))
    return _account_page(form, 422)


@bp.route("/mon-compte/sessions/fermer", methods=["POST"])
@guard(require_login)
def revoke_sessions():
    """Close every other open session of the user (ASVS 7.4.5)."""
    actor = current_actor()
    current = current_session_record()
    closed = revoke_other_sessions(actor.id, current.id if current else None)
    record("sessions_closed", "users", actor.id, actor, {"sessions": closed})
    db.session.commit()
    flash(f"{closed} autre(s) session(s) fermée(s).", "success")
    return redirect(url_for("auth.account"))


@bp.route("/invitation/<string(maxlength=100):token>", methods=["GET", "POST"])
def invitation(token: str):
    """Choose a password through a one-time, expiring link."""
    found = find_valid_invitation(token)
    if found is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = SetPasswordForm(account_email=found.user.email)
    if form.validate_on_submit():
        try:
            user = accept_invitation(found, form.new_password.data)
            if current_actor() is not None:
                close_session()  # whoever was logged in on this browser is logged out
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.new_password.errors.append(str(exc))
        else:
            flash("Mot de passe enregistré. Connectez-vous avec votre adresse "
                  f"{user.email} et ce mot de passe.", "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/invitation.html", form=form, invitation=found,
                           policy_help=POLICY_HELP), status
