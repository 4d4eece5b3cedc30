"""Signature circuit rules: steps per document kind and order, whose turn it is."""

from __future__ import annotations

import pytest

from hrtele.domain import signing as s
from hrtele.domain.signing import EMPLOYEE, EMPLOYER, NoticeFacts, SigningRefused

HAND = "remise en main propre contre décharge"


@pytest.mark.parametrize(
    ("kind", "order", "facts", "expected"),
    [
        ("amendment", "employee_first", None, (EMPLOYEE, EMPLOYER)),
        ("amendment", "employer_first", None, (EMPLOYER, EMPLOYEE)),
        # Notices: the issuer signs first, then the recipient acknowledges or countersigns.
        ("reversibility_notice", "employee_first", NoticeFacts("employer", HAND, False),
         (EMPLOYER, EMPLOYEE)),
        ("reversibility_notice", "employee_first", NoticeFacts("employer", "LRAR", True),
         (EMPLOYER, EMPLOYEE)),
        ("reversibility_notice", "employer_first", NoticeFacts("employee", HAND, False),
         (EMPLOYEE, EMPLOYER)),
        ("reversibility_notice", "employer_first", NoticeFacts("employee", "LRAR", False),
         (EMPLOYEE,)),
    ],
)
def test_signing_steps(kind, order, facts, expected):
    assert s.signing_steps(kind, order, facts) == expected


@pytest.mark.parametrize(
    ("kind", "facts", "message"),
    [
        ("reversibility_notice", NoticeFacts("employer", "LRAR", False), "avis de réception"),
        ("refusal_letter", None, "Seuls l'avenant"),
        ("observatory", None, "Seuls l'avenant"),
    ],
)
def test_no_circuit(kind, facts, message):
    with pytest.raises(SigningRefused, match=message):
        s.signing_steps(kind, s.DEFAULT_ORDER, facts)


def test_unknown_order_is_a_programming_error():
    with pytest.raises(ValueError):
        s.signing_steps("amendment", "random", None)


@pytest.mark.parametrize(
    ("signed", "role", "error"),
    [
        ((), EMPLOYEE, None),
        ((), EMPLOYER, "pas encore votre tour"),
        ((EMPLOYEE,), EMPLOYER, None),
        ((EMPLOYEE,), EMPLOYEE, "déjà signé"),
        ((EMPLOYEE, EMPLOYER), EMPLOYER, "déjà signé"),
    ],
)
def test_check_turn(signed, role, error):
    steps = (EMPLOYEE, EMPLOYER)
    if error is None:
        s.check_turn(steps, signed, role)
    else:
        with pytest.raises(SigningRefused, match=error):
            s.check_turn(steps, signed, role)


def test_next_role_and_completion():
    steps = (EMPLOYER, EMPLOYEE)
    assert s.next_role(steps, []) == EMPLOYER
    assert s.next_role(steps, [EMPLOYER]) == EMPLOYEE
    assert s.is_complete(steps, [EMPLOYER, EMPLOYEE])
    with pytest.raises(ValueError):
        s.next_role(steps, [EMPLOYEE])  # out of order: never stored that way


def test_only_recipient_of_a_single_step_notice_is_refused():
    steps = (EMPLOYEE,)
    with pytest.raises(SigningRefused, match="n'a pas à être signé"):
        s.check_turn(steps, [], EMPLOYER)


def test_reasons_name_the_role():
    assert "par le salarié" in s.signature_reason("amendment", EMPLOYEE, (EMPLOYEE, EMPLOYER))
    facts = NoticeFacts("employer", HAND, False)
    assert "émetteur" in s.signature_reason("reversibility_notice", EMPLOYER,
                                            (EMPLOYER, EMPLOYEE), facts)
    assert "main propre" in s.signature_reason("reversibility_notice", EMPLOYEE,
                                               (EMPLOYER, EMPLOYEE), facts)
    agreed = NoticeFacts("employer", HAND, True)
    assert "bon pour accord" in s.signature_reason("reversibility_notice", EMPLOYEE,
                                                   (EMPLOYER, EMPLOYEE), agreed)
