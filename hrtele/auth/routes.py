"""Log-in and log-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from hrtele.audit.service import record
from hrtele.auth.access import current_actor
from hrtele.auth.forms import LoginForm
from hrtele.auth.passwords import verify_password
from hrtele.auth.sessions import close_session, current_session_record, open_session
from hrtele.extensions import db, login_manager
from hrtele.models import User
from hrtele.web.forms import EmptyForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."


@login_manager.request_loader
def _load_from_session(_request):
    record_ = current_session_record()
    if record_ is None:
        return None
    user = db.session.get(User, record_.user_id)
    if user is None or not user.is_active_account:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Keep only a local path (no scheme, no host, no protocol-relative //)."""
    if not target:
        return None
    target = target.replace("\\", "/").strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: User) -> str:
    """Landing page of a role."""
    return url_for("home.index") if user.is_hr else url_for("portal.index")


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password."""
    if current_actor() is not None:
        return redirect(home_for(current_actor()))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        ok = verify_password(user.password_hash if user else None, form.password.data)
        if ok and user is not None and user.is_active_account:
            open_session(user)
            record("login", "users", user.id, user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        record("login_failed", "users", user.id if user else None, None, {"email": email[:254]})
        db.session.commit()
        flash("Adresse électronique ou mot de passe incorrect.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
def logout():
    """Log out: the server-side session record is deleted."""
    form = EmptyForm()
    actor = current_actor()
    if form.validate_on_submit():
        if actor is not None:
            record("logout", "users", actor.id, actor)
        close_session()
        db.session.commit()
        flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))
