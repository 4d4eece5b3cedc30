"""API tokens screen (admin): create a token for a named integration, list, revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from hrtele.auth.access import current_actor, require_admin
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.integrations.forms import TokenActionForm, TokenCreateForm
from hrtele.integrations.services import (
    SCOPE_NAMES,
    SCOPES,
    create_token,
    list_tokens_stmt,
    revoke_token,
)
from hrtele.models import ApiToken, User
from hrtele.web.pagination import paginate

bp = Blueprint("integrations", __name__, url_prefix="/comptes/integrations")
bp.before_request(require_admin)


def _index(form: TokenCreateForm | None = None, status: int = 200, error: str | None = None):
    page = paginate(list_tokens_stmt())
    creators = {
        u.id: u.display_name or u.email
        for u in db.session.scalars(
            select(User).where(User.id.in_({t.created_by_id for t in page.items
                                            if t.created_by_id}))
        )
    }
    return render_template(
        "integrations/index.html", page=page, form=form or TokenCreateForm(),
        action_forms={t.id: TokenActionForm(formdata=None, version=t.version)
                      for t in page.items},
        scope_names=SCOPE_NAMES, scopes=SCOPES,
        creators=creators, error=error,
    ), status


@bp.get("/")
def index():
    """API tokens: active and revoked, with their scopes and last use."""
    return _index()


@bp.post("/")
def create():
    """Create a token; its secret is shown on this response only, never again."""
    form = TokenCreateForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    try:
        token, secret = create_token(form.name.data, form.scopes.data, current_actor())
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _index(form, 422, str(exc))
    return render_template("integrations/created.html", token=token, secret=secret,
                           scope_names=SCOPE_NAMES)


@bp.post("/<int:token_id>/revoquer")
def revoke(token_id: int):
    """Revoke a token: the integration is refused from its next request on."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    form = TokenActionForm()
    if not form.validate_on_submit():
        return _index(status=422, error="Formulaire invalide : rechargez la page.")
    try:
        revoke_token(token, form.version.data, current_actor())
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _index(status=422, error=str(exc))
    flash(f"Le jeton « {token.name} » est révoqué.", "success")
    return redirect(url_for("integrations.index"))
