"""notify(): one in-app notification per recipient and event, and its e-mail once committed.

Every event of the application (a decision, an issued document, a day change...) calls
``notify`` with the event's unique key (hrtele.domain.notifications.event_key). A recipient
who already has that key is skipped, so each event reaches each person once, whatever the
number of retries or job runs. The e-mail of a new notification is handed to hrtele.mail only
after the transaction that created it commits (never for a rolled-back request), and only to
users who chose to receive e-mails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_request_context, render_template, request
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hrtele.domain import notifications as rules
from hrtele.extensions import db
from hrtele.models import Employee, Notification, User
from hrtele.models.base import utcnow

_PENDING = "hrtele_pending_mail"
APP_NAME = "hrtele — télétravail"


@dataclass(frozen=True)
class Message:
    """What a notification says: a title, a plain-text body and the page it concerns."""

    title: str
    body: str
    path: str  # path inside the application, e.g. /mon-espace/documents


@dataclass(frozen=True)
class _Mail:
    notification: Notification
    to: str
    subject: str
    text: str
    html: str


# --------------------------------------------------------------------------- recipients


def employee_user_ids(employee_id: int) -> list[int]:
    """The employee's own active account(s)."""
    return list(db.session.scalars(
        select(User.id).where(User.employee_id == employee_id, User.is_active_account.is_(True))
    ))


def hr_user_ids() -> list[int]:
    """Every active HR or admin account."""
    return list(db.session.scalars(
        select(User.id).where(User.is_active_account.is_(True), User.role.in_(("hr", "admin")))
        .order_by(User.id)
    ))


def manager_user_ids(employee_id: int) -> list[int]:
    """The active account of the employee's manager, when one is set (and is not HR)."""
    manager_id = select(Employee.manager_id).where(Employee.id == employee_id).scalar_subquery()
    return list(db.session.scalars(
        select(User.id).where(User.is_active_account.is_(True), User.employee_id == manager_id,
                              User.role == "employee")
    ))


# --------------------------------------------------------------------------- links


def path_for(endpoint: str, **values) -> str:
    """Path of an endpoint, inside or outside a request (CLI, jobs)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(path: str) -> str:
    """Full link for an e-mail: PUBLIC_URL when configured, else the current request's host."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base and has_request_context():
        base = request.host_url.rstrip("/")
    return f"{base}{path}" if base else path


# --------------------------------------------------------------------------- notify


def notify(kind: str, key: str, user_ids: Iterable[int], message: Message) -> list[Notification]:
    """Create the notification for each recipient who does not have this key yet; flush only.

    Returns the notifications created. Their e-mails leave after the commit.
    """
    if kind not in rules.KINDS:
        raise ValueError(f"Type de notification inconnu : {kind!r}")
    wanted = list(dict.fromkeys(int(u) for u in user_ids))
    if not wanted:
        return []
    already = set(db.session.scalars(
        select(Notification.user_id).where(Notification.key == key,
                                           Notification.user_id.in_(wanted))
    ))
    created: list[Notification] = []
    for user_id in wanted:
        if user_id in already:
            continue
        row = Notification(user_id=user_id, key=key, kind=kind, title=message.title[:300],
                           body=message.body, url=message.path[:500], created_dt=utcnow())
        try:
            with db.session.begin_nested():  # a concurrent twin wins: skip, keep the rest
                db.session.add(row)
        except IntegrityError:
            continue
        created.append(row)
    if created:
        _queue_mails(created, message)
    return created


def notify_about(kind: str, employee_id: int, facts: tuple, message: Message,
                 manager_message: Message | None = None) -> list[Notification]:
    """notify() the audience of ``kind`` (the domain decides it) about one employee.

    Employee kinds go to the employee's account; HR kinds go to HR with ``message`` and to the
    employee's manager with ``manager_message`` (a page the manager may open), when given.
    """
    key = rules.event_key(kind, *facts)
    if rules.KINDS[kind].audience == rules.AUDIENCE_EMPLOYEE:
        return notify(kind, key, employee_user_ids(employee_id), message)
    created = notify(kind, key, hr_user_ids(), message)
    if manager_message is not None:
        created += notify(kind, key, manager_user_ids(employee_id), manager_message)
    return created


def _queue_mails(created: list[Notification], message: Message) -> None:
    users = {
        u.id: u for u in db.session.scalars(
            select(User).where(User.id.in_([n.user_id for n in created]))
        )
    }
    link = absolute_url(message.path)
    pending = db.session.info.setdefault(_PENDING, [])
    for notification in created:
        user = users.get(notification.user_id)
        if user is None or not user.notify_by_email or not user.email:
            continue
        context = {"title": message.title, "body": message.body, "link": link,
                   "name": user.display_name or user.email, "app_name": APP_NAME,
                   "settings_link": absolute_url(path_for("notifications.index"))}
        pending.append(_Mail(
            notification=notification,
            to=user.email,
            subject=f"Télétravail : {message.title}",
            text=render_template("mail/notification.txt", **context),
            html=render_template("mail/notification.html", **context),
        ))


def _send_pending(session: Session) -> None:
    """after_commit: queue the committed notifications' e-mails (a job sends them)."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    from hrtele.mail import queue_mail

    for mail in pending:
        # A savepoint rolled back (duplicate key) leaves its row transient: nothing to send.
        if mail.notification in session:
            queue_mail(mail.to, mail.subject, mail.text, html=mail.html)


def _drop_pending(session: Session, *_args) -> None:
    """after_rollback: a rolled-back request sends nothing."""
    session.info.pop(_PENDING, None)


event.listen(Session, "after_commit", _send_pending)
event.listen(Session, "after_rollback", _drop_pending)


# --------------------------------------------------------------------------- reading


def unread_count(user_id: int) -> int:
    """Unread notifications of a user (one indexed COUNT)."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user_id,
                                                  Notification.read_dt.is_(None))
    ) or 0


def user_notifications_stmt(user_id: int):
    """The user's notifications, newest first."""
    return (select(Notification).where(Notification.user_id == user_id)
            .order_by(Notification.created_dt.desc(), Notification.id.desc()))


def mark_read(notification: Notification) -> None:
    """Mark one notification read (keeps the first reading time)."""
    if notification.read_dt is None:
        notification.read_dt = utcnow()
        db.session.flush()


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_dt.is_(None))
        .values(read_dt=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def set_email_preference(user: User, by_email: bool) -> None:
    """Record the user's choice: e-mail and in-app, or in-app only."""
    from hrtele.audit.service import record

    if user.notify_by_email != by_email:
        user.notify_by_email = by_email
        db.session.flush()
        record("update", "users", user.id, user,
               {"notify_by_email": [not by_email, by_email]})


def french_date(d: date | None) -> str:
    """dd/mm/yyyy, as every notification prints dates."""
    return d.strftime("%d/%m/%Y") if d else "—"
