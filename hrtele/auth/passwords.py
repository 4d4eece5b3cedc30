"""Password hashing (argon2id) and policy (ASVS L2: 12 to 128 characters, no common password).

The policy follows ASVS 5.0 6.2 and CNIL délibération 2022-100: a minimum length, no
composition rule, a block-list of common passwords and of words tied to the product,
no truncation (the password is hashed exactly as typed), and log-in throttling.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
# argon2id, m=64 MiB, t=3, p=4: above ASVS 5.0 Appendix C (tests swap in a cheap hasher).
_hasher = PasswordHasher()
# Digits, punctuation and spaces people add around a word to reach a minimum length.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_MIN_IDENTIFIER_LENGTH = 4


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("hrtele-dummy-password-for-timing")


def hash_password(password: str) -> str:
    """Argon2id hash of the password, exactly as typed (no strip, no truncation)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; the same work is done when there is no hash."""
    try:
        matched = _hasher.verify(password_hash or _dummy_hash(_hasher), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash uses weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower-cased (one per line)."""
    if not COMMON_PASSWORDS_FILE.exists():
        return frozenset()
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def _core(password: str) -> str:
    """The password without the digits and symbols around it ("Soleil2026!" -> "soleil")."""
    return _DECORATION.sub("", password.lower())


def password_problems(password: str, *, email: str = "") -> list[str]:
    """French reasons why the password is refused; empty when acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Le mot de passe ne peut pas dépasser {MAX_LENGTH} caractères.")
    if "\x00" in password:
        problems.append("Le mot de passe ne peut pas contenir de caractère nul.")
    lowered = password.lower()
    listed = common_passwords()
    core = _core(password)
    if lowered in listed or (len(core) >= 3 and core in listed):
        problems.append(
            "Ce mot de passe (ou le mot qu'il contient) figure dans la liste des mots de "
            "passe courants : choisissez-en un autre, par exemple une phrase de plusieurs mots."
        )
    identifier = email.split("@")[0].lower() if email else ""
    if len(identifier) >= _MIN_IDENTIFIER_LENGTH and identifier in lowered:
        problems.append("Le mot de passe ne doit pas contenir votre identifiant.")
    return problems


POLICY_HELP = (
    f"Au moins {MIN_LENGTH} caractères (jusqu'à {MAX_LENGTH}), sans règle de composition ; "
    "refusé s'il figure parmi les mots de passe courants ou contient votre identifiant. "
    "Conseil : une phrase de plusieurs mots."
)
