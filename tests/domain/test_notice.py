"""Ending telework (hrtele.domain.notice): phase, clause, delay, earliest end, the check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrtele.domain import notice as n
from hrtele.domain.dates import adaptation_end_date

START = date(2026, 1, 15)
ADAPT_END = date(2026, 4, 14)


@pytest.mark.parametrize(
    ("notified", "days", "expected"),
    [
        (date(2026, 3, 1), 15, date(2026, 3, 16)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
        (date(2026, 12, 20), 30, date(2027, 1, 19)),
        (date(2028, 2, 15), 15, date(2028, 3, 1)),  # leap year: 29/02 counts
        (date(2026, 2, 15), 15, date(2026, 3, 2)),
    ],
)
def test_earliest_end_counts_calendar_days_from_the_day_after(notified, days, expected):
    """ANI 19/07/2005 art. 2: a delay « défini préalablement », in calendar days."""
    assert n.earliest_end(notified, days) == expected


def test_negative_delay_is_refused():
    with pytest.raises(ValueError):
        n.earliest_end(date(2026, 3, 1), -1)


@pytest.mark.parametrize(
    ("adaptation_end", "day", "expected"),
    [
        (ADAPT_END, date(2026, 1, 14), n.PHASE_NOT_STARTED),
        (ADAPT_END, START, n.PHASE_ADAPTATION),
        (ADAPT_END, ADAPT_END, n.PHASE_ADAPTATION),  # its last day still belongs to it
        (ADAPT_END, date(2026, 4, 15), n.PHASE_AFTER_ADAPTATION),
        (None, START, n.PHASE_AFTER_ADAPTATION),  # no adaptation period at all
        (None, date(2026, 1, 1), n.PHASE_NOT_STARTED),
    ],
)
def test_phase_depends_on_dates_only(adaptation_end, day, expected):
    assert n.phase_on(START, adaptation_end, day) == expected


@pytest.mark.parametrize(
    ("phase", "clause", "allowed"),
    [
        # ANI art. 2: either party, unilaterally, during the adaptation period.
        (n.PHASE_ADAPTATION, n.CLAUSE_NOTICE, True),
        (n.PHASE_ADAPTATION, n.CLAUSE_MUTUAL, True),
        # ANI art. 3 + Cass. soc. 12 Feb 2014: afterwards only under a clause allowing it.
        (n.PHASE_AFTER_ADAPTATION, n.CLAUSE_NOTICE, True),
        (n.PHASE_AFTER_ADAPTATION, n.CLAUSE_MUTUAL, False),
        (n.PHASE_NOT_STARTED, n.CLAUSE_NOTICE, False),
    ],
)
def test_unilateral_end(phase, clause, allowed):
    assert n.unilateral_end_allowed(phase, clause) is allowed


def terms(notified: date, **kw) -> n.EndTerms:
    values = dict(
        start=START,
        adaptation_end=ADAPT_END,
        clause=n.CLAUSE_NOTICE,
        notice_during=15,
        notice_after=30,
        policy_notice_during=10,
        policy_notice_after=45,
        notification_date=notified,
    )
    values.update(kw)
    return n.end_terms(**values)


@pytest.mark.parametrize(
    ("notified", "overrides", "phase", "days", "source"),
    [
        (date(2026, 2, 1), {}, n.PHASE_ADAPTATION, 15, n.SOURCE_AGREEMENT),
        (ADAPT_END, {}, n.PHASE_ADAPTATION, 15, n.SOURCE_AGREEMENT),
        (date(2026, 4, 15), {}, n.PHASE_AFTER_ADAPTATION, 30, n.SOURCE_AGREEMENT),
        # An imported or paper agreement that states no delay: the policy's, and it says so.
        (date(2026, 2, 1), {"notice_during": None}, n.PHASE_ADAPTATION, 10, n.SOURCE_POLICY),
        (date(2026, 5, 1), {"notice_after": None}, n.PHASE_AFTER_ADAPTATION, 45, n.SOURCE_POLICY),
        (date(2026, 1, 1), {}, n.PHASE_NOT_STARTED, 0, n.SOURCE_AGREEMENT),
    ],
)
def test_end_terms(notified, overrides, phase, days, source):
    result = terms(notified, **overrides)
    assert (result.phase, result.notice_days, result.notice_source) == (phase, days, source)
    assert result.earliest_end == notified + timedelta(days=days)


def test_end_terms_refuses_an_unknown_clause():
    with pytest.raises(ValueError):
        terms(date(2026, 2, 1), clause="whatever")


@pytest.mark.parametrize(
    ("notified", "clause", "mutual", "effective", "fields"),
    [
        (date(2026, 2, 1), n.CLAUSE_NOTICE, False, date(2026, 2, 16), []),
        (date(2026, 2, 1), n.CLAUSE_NOTICE, False, date(2026, 2, 15), ["effective_date"]),
        # An end agreed by both parties does not wait for the notice.
        (date(2026, 2, 1), n.CLAUSE_NOTICE, True, date(2026, 2, 2), []),
        (date(2026, 5, 1), n.CLAUSE_MUTUAL, False, date(2026, 6, 30), ["is_end_mutual"]),
        (date(2026, 5, 1), n.CLAUSE_MUTUAL, True, date(2026, 5, 2), []),
        (date(2026, 5, 1), n.CLAUSE_NOTICE, True, date(2026, 4, 30), ["effective_date"]),
        (date(2026, 1, 1), n.CLAUSE_NOTICE, True, date(2026, 2, 1), ["notification_date"]),
    ],
)
def test_check_end(notified, clause, mutual, effective, fields):
    problems = n.check_end(terms(notified, clause=clause), mutual=mutual, effective=effective)
    assert [p.field for p in problems] == fields
    assert all(p.blocking and p.basis for p in problems)


def test_check_end_beyond_the_agreement_term():
    problems = n.check_end(
        terms(date(2026, 2, 1)), mutual=False, effective=date(2026, 3, 1),
        agreement_end=date(2026, 2, 20),
    )
    assert [p.field for p in problems] == ["effective_date"]
    assert "terme de l'accord" in problems[0].message


def test_check_end_message_gives_the_earliest_date():
    (problem,) = n.check_end(terms(date(2026, 3, 1)), mutual=False, effective=date(2026, 3, 10))
    assert "01/03/2026" in problem.message and "16/03/2026" in problem.message


@pytest.mark.parametrize(
    ("end_date", "effective", "ended", "expected"),
    [
        (None, None, None, None),
        (date(2026, 6, 30), None, None, date(2026, 6, 30)),
        (None, date(2026, 6, 1), None, date(2026, 5, 31)),  # the eve of the first day on site
        (date(2026, 6, 30), date(2026, 6, 1), None, date(2026, 5, 31)),
        (None, date(2026, 6, 1), date(2026, 5, 20), date(2026, 5, 20)),
    ],
)
def test_last_telework_day(end_date, effective, ended, expected):
    assert n.last_telework_day(end_date, effective, ended) == expected


def test_sentence_names_the_delay_and_the_date():
    text = n.notice_sentence(terms(date(2026, 2, 1)))
    assert "15 jours" in text and "16/02/2026" in text
    assert "commun accord" in n.notice_sentence(terms(date(2026, 5, 1), clause=n.CLAUSE_MUTUAL))
    assert "politique de l'employeur" in n.notice_sentence(
        terms(date(2026, 2, 1), notice_during=None)
    )


@given(
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    months=st.integers(0, 12),
    offset=st.integers(-30, 800),
    during=st.integers(0, 90),
    after=st.integers(0, 120),
)
def test_earliest_end_respects_the_delay_of_the_phase(start, months, offset, during, after):
    """Whatever the dates, the earliest end is the notification plus the delay of its phase."""
    adaptation_end = adaptation_end_date(start, months)
    notified = start + timedelta(days=offset)
    result = terms(
        notified, start=start, adaptation_end=adaptation_end, notice_during=during,
        notice_after=after,
    )
    if notified < start:
        assert result.phase == n.PHASE_NOT_STARTED
    elif adaptation_end is not None and notified <= adaptation_end:
        assert (result.phase, result.notice_days) == (n.PHASE_ADAPTATION, during)
    else:
        assert (result.phase, result.notice_days) == (n.PHASE_AFTER_ADAPTATION, after)
    assert not n.check_end(result, mutual=False, effective=result.earliest_end) or (
        result.phase == n.PHASE_NOT_STARTED
    )
