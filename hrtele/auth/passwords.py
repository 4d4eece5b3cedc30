"""Password hashing (argon2id) and policy (ASVS L2: 12 to 128 characters, no common password)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 128
_hasher = PasswordHasher()
# A valid hash of a random password, used to spend the same time on unknown accounts.
_DUMMY_HASH = _hasher.hash("hrtele-dummy-password-for-timing")


def hash_password(password: str) -> str:
    """Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; constant work even when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower-cased."""
    path = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
    if not path.exists():
        return frozenset()
    return frozenset(
        line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def password_problems(password: str, *, email: str = "") -> list[str]:
    """French reasons why the password is refused; empty when acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Le mot de passe ne peut pas dépasser {MAX_LENGTH} caractères.")
    lowered = password.lower()
    if lowered in common_passwords():
        problems.append("Ce mot de passe figure dans la liste des mots de passe courants.")
    if email and email.split("@")[0].lower() and email.split("@")[0].lower() in lowered:
        problems.append("Le mot de passe ne doit pas contenir votre identifiant.")
    return problems
