"""Log-in, log-out, "Mon compte" and the invitation link (choose a password)."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user

from hrtele.audit.service import record
from hrtele.auth import two_factor
from hrtele.auth.access import current_actor, guard, require_login
from hrtele.auth.forms import (
    ChangePasswordForm,
    EnrolForm,
    LoginForm,
    SecondFactorForm,
    SetPasswordForm,
)
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
    """Throttling key per (account, client address) pair: the submitted e-mail, lower-cased.

    Never per account alone: wrong passwords sent from one place must not lock the real user
    out of another (ASVS 6.1.1); the per-address limit bounds what one place can try.
    """
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"compte:{email}|{get_remote_address()}"


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
        stored_hash = user.password_hash if user else None
        # End the transaction before the slow hash check (argon2id, ~0.3 s): on SQLite a
        # POST's transaction holds the database write lock, which every other writer of every
        # instance would wait for. The writes below start a new transaction.
        db.session.rollback()
        ok = verify_password(stored_hash, form.password.data)
        if ok and user is not None and user.is_active_account:
            if needs_rehash(user.password_hash or ""):
                user.password_hash = hash_password(form.password.data)
            if two_factor.required_for(user) or two_factor.is_enrolled(user):
                db.session.commit()
                return _start_second_factor(user, safe_next(request.args.get("next")))
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


# --- second factor (TOTP) -------------------------------------------------------------------

PENDING = "second_factor_pending"
PENDING_SECONDS = 300
CODE_REFUSED = "Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant par votre application."


def _start_second_factor(user: User, next_url: str | None):
    """Password accepted: the session only remembers who must now give the second factor."""
    session.clear()
    session[PENDING] = {"uid": user.id, "at": int(time.time()), "next": next_url or "",
                        "pw": user.password_changed_dt.isoformat() if user.password_changed_dt else ""}
    endpoint = "auth.second_factor" if two_factor.is_enrolled(user) else "auth.enrol_second_factor"
    return redirect(url_for(endpoint))


def _pending_user() -> User | None:
    """The account whose password was accepted less than 5 minutes ago in this browser."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("uid"), int):
        return None
    if not 0 <= time.time() - int(pending.get("at") or 0) <= PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["uid"])
    if user is None or not user.is_active_account:
        return None
    stamp = user.password_changed_dt.isoformat() if user.password_changed_dt else ""
    return user if stamp == pending.get("pw") else None


def _second_factor_key() -> str:
    pending = session.get(PENDING)
    uid = pending.get("uid") if isinstance(pending, dict) else None
    return f"second-factor:{uid}|{get_remote_address()}"


def _code_refused(response) -> bool:
    return response.status_code in (401, 422)


def _finish_login(user: User, method: str):
    next_url = (session.get(PENDING) or {}).get("next") or None
    open_session(user)  # clears the pending state with the rest of the old session
    record("login", "users", user.id, user, {"second_factor": method})
    db.session.commit()
    return safe_next(next_url) or home_for(user)


@bp.route("/connexion/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_IP"], key_func=get_remote_address,
               methods=["POST"], deduct_when=_code_refused, on_breach=_log_breach,
               scope="code-ip")
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], key_func=_second_factor_key,
               methods=["POST"], deduct_when=_code_refused, on_breach=_log_breach,
               scope="code-compte")
def second_factor():
    """Second step of the log-in: the authenticator's code (or a recovery code)."""
    user = _pending_user()
    if user is None or not two_factor.is_enrolled(user):
        flash("Session de connexion expirée : saisissez à nouveau vos identifiants.", "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        method = two_factor.check_second_factor(user, form.code.data)
        if method is not None:
            return redirect(_finish_login(user, method))
        db.session.rollback()
        record("login_failed", "users", user.id, None, {"second_factor": "code refusé"})
        db.session.commit()
        form.code.errors = [*form.code.errors, CODE_REFUSED]
        return render_template("auth/second_factor.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/connexion/double-authentification", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], key_func=_second_factor_key,
               methods=["POST"], deduct_when=_code_refused, on_breach=_log_breach,
               scope="code-enrol")
def enrol_second_factor():
    """First log-in of an HR or admin account: set up the authenticator app."""
    user = _pending_user()
    if user is None or two_factor.is_enrolled(user):
        flash("Session de connexion expirée : saisissez à nouveau vos identifiants.", "info")
        return redirect(url_for("auth.login"))
    form = EnrolForm()
    totp = two_factor.start_enrolment(user)
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            target = _finish_login(user, "totp (activation)")
            return render_template("auth/recovery_codes.html", codes=codes, next_url=target)
        form.code.errors = [*form.code.errors, CODE_REFUSED]
    db.session.commit()  # keeps the secret shown on this page (unconfirmed)
    uri = two_factor.provisioning_uri(user, totp.secret)
    status = 200 if request.method == "GET" else (401 if form.code.errors else 422)
    return render_template(
        "auth/enrol.html", form=form, qr_svg=two_factor.qr_svg(uri),
        secret=two_factor.group_secret(totp.secret), email=user.email,
    ), status


@bp.route("/mon-compte/double-authentification/codes", methods=["POST"])
@guard(require_login)
def regenerate_recovery_codes():
    """New recovery codes (the old ones stop working), after a fresh code of the app."""
    actor = current_actor()
    form = SecondFactorForm()
    if not two_factor.is_enrolled(actor):
        return redirect(url_for("auth.account"))
    if form.validate_on_submit() and two_factor.check_totp(actor, form.code.data):
        codes = two_factor.new_recovery_codes(actor)
        record("update", "users", actor.id, actor, {"recovery_codes": "renouvelés"})
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes,
                               next_url=url_for("auth.account"))
    db.session.rollback()
    flash(CODE_REFUSED, "error")
    return redirect(url_for("auth.account")), 303


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
        second_factor=two_factor.is_enrolled(actor),
        second_factor_required=two_factor.required_for(actor),
        recovery_left=two_factor.remaining_recovery_codes(actor.id),
        code_form=SecondFactorForm(),
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
