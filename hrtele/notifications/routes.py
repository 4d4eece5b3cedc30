"""« Mes notifications »: the list behind the bell, opening one, and the e-mail preference."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms import RadioField

from hrtele.auth.access import MAX_ID, _audit_denied, current_actor, require_login
from hrtele.extensions import db
from hrtele.models import Notification
from hrtele.notifications import services
from hrtele.web.forms import EmptyForm
from hrtele.web.pagination import paginate

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
bp.before_request(require_login)

BY_EMAIL = "email"
IN_APP = "app"


class PreferenceForm(EmptyForm):
    """E-mail and in-app, or in-app only."""

    channel = RadioField(
        "Comment voulez-vous être prévenu ?",
        choices={BY_EMAIL: "Par courriel et dans l'application",
                 IN_APP: "Dans l'application seulement"},
    )


@bp.app_context_processor
def _bell():
    def unread_notifications() -> int:
        actor = current_actor()
        return services.unread_count(actor.id) if actor is not None else 0

    return {"unread_notifications": unread_notifications}


def _own_or_404(notification_id: int) -> Notification:
    actor = current_actor()
    found = db.session.get(Notification, notification_id) if 0 < notification_id <= MAX_ID else None
    if found is None:
        abort(404)
    if found.user_id != actor.id:
        _audit_denied(actor, "notifications", notification_id)
        abort(404)
    return found


@bp.route("/")
def index():
    """My notifications, newest first, and my e-mail preference."""
    actor = current_actor()
    form = PreferenceForm(channel=BY_EMAIL if actor.notify_by_email else IN_APP)
    page = paginate(services.user_notifications_stmt(actor.id))
    return render_template("notifications/index.html", page=page, form=form,
                           action=EmptyForm(), unread=services.unread_count(actor.id))


@bp.route("/<int:notification_id>/ouvrir", methods=["POST"])
def open_one(notification_id: int):
    """Mark the notification read and go to the page it concerns."""
    found = _own_or_404(notification_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.mark_read(found)
    db.session.commit()
    # Stored paths are built by the application itself (path_for); keep them on this site.
    target = found.url if found.url.startswith("/") and not found.url.startswith("//") else "/"
    return redirect(target)


@bp.route("/tout-lu", methods=["POST"])
def mark_all():
    """Mark every notification read."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = services.mark_all_read(current_actor().id)
    db.session.commit()
    flash(f"{count} notification(s) marquée(s) comme lue(s).", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preference", methods=["POST"])
def preference():
    """Save the e-mail preference."""
    form = PreferenceForm()
    if not form.validate_on_submit():
        flash("Choisissez « par courriel et dans l'application » ou « dans l'application "
              "seulement ».", "error")
        return redirect(url_for("notifications.index"))
    services.set_email_preference(current_actor(), form.channel.data == BY_EMAIL)
    db.session.commit()
    flash("Votre préférence est enregistrée.", "success")
    return redirect(url_for("notifications.index"))
