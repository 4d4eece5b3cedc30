"""The one place where the signature circuit tells people something.

Today an e-mail through hrtele.mail; when in-app notifications exist (issue 12), route them
here too: every step of the circuit calls :func:`notify` and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from hrtele import mail
from hrtele.models import User


def notify(recipients: Iterable[User], subject: str, body: str) -> int:
    """Tell each active recipient (e-mail for now); returns how many were handed over."""
    sent = 0
    seen: set[int] = set()
    for user in recipients:
        if user.id in seen or not user.is_active_account or not user.email:
            continue
        seen.add(user.id)
        if mail.send_mail(user.email, subject, body):
            sent += 1
    return sent
