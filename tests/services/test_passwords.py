"""Password policy and hashing: argon2id parameters, length, block-list, no truncation."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from argon2.exceptions import VerifyMismatchError

from hrtele.auth import passwords
from hrtele.auth.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    common_passwords,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)


@pytest.fixture
def cheap_hasher(monkeypatch):
    """Fast hashing for behaviour tests (production parameters are checked separately)."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def test_production_hasher_is_argon2id_above_asvs_minimum():
    hasher = passwords.PasswordHasher()
    # The module-level hasher uses argon2-cffi defaults; check they meet ASVS 5.0 Appendix C
    # (argon2id, t >= 3 with m >= 12 MiB, or t = 2 with m >= 19 MiB, or t = 1 with m >= 46 MiB).
    assert hasher.type is Type.ID
    assert hasher.time_cost >= 3 and hasher.memory_cost >= 12 * 1024
    assert not isinstance(passwords._hasher, type) and passwords._hasher.type is Type.ID


def test_hash_starts_with_argon2id_and_verifies(cheap_hasher):
    stored = hash_password("une phrase de passe solide")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "une phrase de passe solide")
    assert not verify_password(stored, "une phrase de passe solidE")
    assert not verify_password(stored, "une phrase de passe solide ")  # no strip


def test_no_truncation_long_passwords_differ_only_at_the_end(cheap_hasher):
    base = "x" * 100
    stored = hash_password(base + "A")
    assert verify_password(stored, base + "A")
    assert not verify_password(stored, base + "B")
    assert not verify_password(stored, base)


def test_verify_without_hash_or_with_garbage_is_false(cheap_hasher):
    assert verify_password(None, "peu importe le mot de passe") is False
    assert verify_password("not-a-hash", "peu importe le mot de passe") is False


def test_needs_rehash_when_parameters_change(monkeypatch):
    weak = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    stored = weak.hash("une phrase de passe solide")
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=2, memory_cost=128, parallelism=1))
    assert needs_rehash(stored)
    assert needs_rehash("garbage")
    monkeypatch.setattr(passwords, "_hasher", weak)
    assert not needs_rehash(stored)


def test_hasher_rejects_mismatch_type():
    hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    with pytest.raises(VerifyMismatchError):
        hasher.verify(hasher.hash("a"), "b")


@pytest.mark.parametrize(
    "password",
    [
        "correct cheval agrafe batterie",
        "Le chat dort sur 3 coussins",
        "z" * 11 + "Ü",
        "ééééééééééééé-qui-passe",
        "x7$Kq!9mPz#2",  # exactly 12
        "p" * 63 + "Q",  # 64 characters
        "mot de passe très long " * 5,  # 115 characters
    ],
)
def test_acceptable_passwords(password):
    assert password_problems(password, email="camille.durand@example.test") == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "au moins 12"),
        ("court", "au moins 12"),
        ("onze-caract", "au moins 12"),
        ("a" * (MAX_LENGTH + 1), f"dépasser {MAX_LENGTH}"),
        ("motdepasse", "au moins 12"),
        ("azerty123456", "mots de passe courants"),
        ("AZERTY123456", "mots de passe courants"),
        ("motdepasse2026!", "mots de passe courants"),
        ("Soleil2026!!!!", "mots de passe courants"),
        ("123456789012", "mots de passe courants"),
        ("qwerty123456", "mots de passe courants"),
        ("password1234", "mots de passe courants"),
        ("!!!Bonjour123456", "mots de passe courants"),
        ("teletravail2026", "mots de passe courants"),
        ("camille.durand-2026", "identifiant"),
        ("avec\x00nul-caractère", "caractère nul"),
    ],
)
def test_refused_passwords(password, message):
    problems = password_problems(password, email="camille.durand@example.test")
    assert problems, password
    assert any(message in p for p in problems), problems


def test_short_identifier_is_not_used_as_a_substring_rule():
    # "rh@..." would otherwise refuse every password containing "rh".
    assert password_problems("rhododendrons en fleurs", email="rh@example.test") == []


def test_common_list_is_large_and_contains_french_entries():
    listed = common_passwords()
    assert len(listed) >= 20000
    for word in ("motdepasse", "azerty123456", "soleil", "azerty", "bonjour", "123456", "password"):
        assert word in listed
    assert all(entry == entry.lower() and entry.strip() == entry for entry in list(listed)[:500])


def test_policy_bounds():
    assert MIN_LENGTH == 12
    assert MAX_LENGTH >= 64
