"""URSSAF ceiling table: shipped data, lookup by date or month, parsing and validation."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from hrtele.domain.ceilings import (
    DEFAULT_CEILINGS_PATH,
    Ceiling,
    ceiling_for,
    dump_ceilings,
    format_euros,
    load_default_ceilings,
    parse_ceilings,
)

NBSP = "\u00a0"


def _row(**overrides):
    """One JSON row with sane defaults (a 2025 period)."""
    row = {
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "per_weekly_day_monthly": "10.90",
        "per_day": "2.70",
        "monthly_cap": "59.40",
        "note": "",
        "source": "",
    }
    row.update(overrides)
    return row


def _json(*rows):
    return json.dumps({"ceilings": list(rows)})


# --- shipped table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "weekly", "daily", "cap"),
    [
        ((2019, 1), D("10.00"), None, None),
        ((2020, 12), D("10.00"), None, None),
        (date(2020, 12, 31), D("10.00"), None, None),
        (date(2021, 1, 1), D("10.00"), D("2.50"), D("55.00")),
        ((2023, 12), D("10.00"), D("2.50"), D("55.00")),
        ((2024, 2), D("10.40"), D("2.60"), D("57.20")),
        ((2025, 6), D("10.90"), D("2.70"), D("59.40")),
        ((2026, 3), D("11.00"), D("2.70"), D("59.40")),
    ],
)
def test_default_table_values(when, weekly, daily, cap):
    row = ceiling_for(when, load_default_ceilings())
    assert row is not None
    assert (row.per_weekly_day_monthly, row.per_day, row.monthly_cap) == (weekly, daily, cap)
    assert row.note and row.source  # every row documents its caveats and sources


@pytest.mark.parametrize("when", [(2018, 12), date(2018, 12, 31), (2027, 1), date(2010, 6, 1)])
def test_no_ceiling_outside_table(when):
    assert ceiling_for(when, load_default_ceilings()) is None


def test_default_table_monthly_cap_is_22_days():
    # legal.md §5.2: monthly cap = daily rate × 22 (2.50 × 22 = 55; 2.60 × 22 = 57.20; 2.70 × 22 = 59.40).
    for row in load_default_ceilings():
        if row.per_day is not None:
            assert row.monthly_cap == row.per_day * 22


def test_shipped_file_is_canonical():
    # The data file is exactly what dump_ceilings writes, so an admin edit round-trips cleanly.
    text = DEFAULT_CEILINGS_PATH.read_text(encoding="utf-8")
    assert dump_ceilings(load_default_ceilings()) == text


def test_default_2025_and_2026_rows_document_the_caveats():
    rows = load_default_ceilings()
    assert "11 €" in ceiling_for((2025, 1), rows).note  # « certaines pages indiquent 11 € »
    assert "cariboost" in ceiling_for((2026, 1), rows).note


def test_round_trip():
    rows = load_default_ceilings()
    assert parse_ceilings(dump_ceilings(rows)) == rows


# --- lookup ----------------------------------------------------------------------------------


def test_month_is_governed_by_row_in_force_on_last_day():
    # A row starting on 18 Dec 2019 governs December 2019 (paid at the end of the month),
    # but not 17 December itself.
    rows = parse_ceilings(
        _json(_row(valid_from="2019-12-18", valid_to=None, per_day=None, monthly_cap=None))
    )
    assert ceiling_for((2019, 12), rows) is rows[0]
    assert ceiling_for(date(2019, 12, 17), rows) is None
    assert ceiling_for(date(2031, 5, 5), rows) is rows[0]  # open-ended row


@pytest.mark.parametrize("when", [(2025, 13), (2025, 0), (2025,), "2025-01", 2025])
def test_ceiling_for_bad_month(when):
    with pytest.raises(ValueError, match="(Mois|attendu)"):
        ceiling_for(when, load_default_ceilings())


# --- parsing ---------------------------------------------------------------------------------


def test_parse_sorts_rows_and_allows_gaps():
    text = _json(
        _row(valid_from="2022-01-01", valid_to="2022-12-31"),
        _row(valid_from="2019-01-01", valid_to="2020-12-31", per_day=None, monthly_cap=None),
    )
    rows = parse_ceilings(text)
    assert [r.valid_from.year for r in rows] == [2019, 2022]
    assert ceiling_for((2021, 6), rows) is None  # gap: no known ceiling


def test_parse_accepts_a_bare_list_and_exact_json_numbers():
    # 10.9 as a JSON number must be read exactly (Decimal), never through a float.
    text = '[{"valid_from": "2025-01-01", "per_weekly_day_monthly": 10.90, "per_day": null}]'
    (row,) = parse_ceilings(text)
    assert row.per_weekly_day_monthly == D("10.90")
    assert row.valid_to is None and row.per_day is None and row.monthly_cap is None
    assert row.note == "" and row.source == ""


def test_parse_accepts_french_decimal_comma():
    (row,) = parse_ceilings(_json(_row(per_day="2,70")))
    assert row.per_day == D("2.70")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "JSON valide"),
        (json.dumps({"rows": []}), "ceilings"),
        (json.dumps({"ceilings": {}}), "liste"),
        (json.dumps({"ceilings": ["2025"]}), "objet JSON"),
        (_json(_row(per_day="-2.70")), "négatif"),
        (_json(_row(per_weekly_day_monthly="-1")), "négatif"),
        (_json(_row(monthly_cap="abc")), "montant valide"),
        (_json(_row(per_day="2.705")), "centime"),
        (_json(_row(per_day=True)), "montant"),
        (_json(_row(per_day="NaN")), "décimal"),
        (_json(_row(valid_from="2025-13-01")), "AAAA-MM-JJ"),
        (_json(_row(valid_from="01/01/2025")), "AAAA-MM-JJ"),
        (_json(_row(valid_from="20250101")), "AAAA-MM-JJ"),
        (_json(_row(valid_from=20250101)), "AAAA-MM-JJ"),
        (_json(_row(valid_to="2024-12-31")), "précède"),
        (_json(_row(per_weekly_day_monthly=None, per_day=None)), "au moins un barème"),
        (_json(_row(colour="red")), "inconnu"),
        (_json({"per_day": "2.70"}), "obligatoire"),
        (_json(_row(note=12)), "texte"),
        # Overlaps: a shared day, a row inside another, an open-ended row followed by another.
        (
            _json(_row(), _row(valid_from="2025-12-31", valid_to="2026-12-31")),
            "se chevauchent",
        ),
        (
            _json(_row(), _row(valid_from="2025-06-01", valid_to="2025-06-30")),
            "se chevauchent",
        ),
        (
            _json(_row(valid_to=None), _row(valid_from="2026-01-01", valid_to=None)),
            "se chevauchent",
        ),
    ],
)
def test_parse_rejects_bad_data_with_french_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_ceilings(text)


def test_error_names_the_line():
    text = _json(_row(valid_to="2024-12-31"), _row(valid_from="2026-01-01", per_day="-1"))
    with pytest.raises(ValueError, match="^Ligne 1 : "):
        parse_ceilings(text)
    text = _json(_row(), _row(valid_from="2026-01-01", valid_to=None, per_day="-1"))
    with pytest.raises(ValueError, match="^Ligne 2 : "):
        parse_ceilings(text)


def test_dump_refuses_overlapping_rows():
    a = Ceiling(date(2025, 1, 1), None, D("10.90"), None, None)
    b = Ceiling(date(2026, 1, 1), None, D("11.00"), None, None)
    with pytest.raises(ValueError, match="se chevauchent"):
        dump_ceilings((a, b))


def test_ceiling_constructor_validates():
    with pytest.raises(ValueError, match="négatif"):
        Ceiling(date(2025, 1, 1), None, D("-10.90"), None, None)
    with pytest.raises(ValueError, match="date"):
        Ceiling("2025-01-01", None, D("10.90"), None, None)
    with pytest.raises(ValueError, match="décimal"):
        Ceiling(date(2025, 1, 1), None, 10.9, None, None)


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "expected"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), "2025"),
        (date(2021, 1, 1), date(2023, 12, 31), "2021–2023"),
        (date(2019, 12, 18), date(2020, 12, 31), "du 18/12/2019 au 31/12/2020"),
        (date(2027, 1, 1), None, "depuis le 01/01/2027"),
    ],
)
def test_period_label(valid_from, valid_to, expected):
    assert Ceiling(valid_from, valid_to, D("10"), None, None).period_label == expected


def test_row_label():
    row = ceiling_for((2025, 3), load_default_ceilings())
    assert row.label == (
        f"Plafond URSSAF 2025 : 10,90{NBSP}€ par mois et par jour hebdomadaire ou "
        f"2,70{NBSP}€ par jour télétravaillé (maximum 59,40{NBSP}€ par mois)"
    )


def test_format_euros():
    assert format_euros(D("1234.5")) == f"1\u202f234,50{NBSP}€"
    assert format_euros(D("0")) == f"0,00{NBSP}€"
