"""Back-office passwords: the policy a new password must meet, and argon2id hashing.

The policy follows NIST SP 800-63B rather than composition rules: long enough, not one
of the passwords attackers try first, and not built from the account's own e-mail.
"""

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tourscope.foundation.settings import get_settings

MIN_LENGTH = 10
# argon2 hashes whatever it is given; a cap keeps a megabyte "password" from costing much.
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).parent.parent / "data" / "common_passwords.txt"


class WeakPasswordError(ValueError):
    """The password does not meet the policy; the message says why, in one sentence."""


@cache
def _hasher_with(memory_kib: int, time_cost: int) -> PasswordHasher:
    return PasswordHasher(memory_cost=memory_kib, time_cost=time_cost)


def _hasher() -> PasswordHasher:
    """argon2id at the configured cost (settings `password_hash_*`)."""
    settings = get_settings()
    return _hasher_with(settings.password_hash_memory_kib, settings.password_hash_time_cost)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """The password lower-cased, without the digits and symbols people tack on the end."""
    return re.sub(r"[\d\W_]+$", "", password.lower())


def check_password(password: str, email: str = "") -> None:
    """Raise WeakPasswordError unless `password` is acceptable for the account `email`."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"the password must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"the password must be at most {MAX_LENGTH} characters long")
    lowered = password.lower()
    if len(set(lowered)) < 4:
        raise WeakPasswordError("the password repeats too few characters; choose another")
    common = common_passwords()
    if lowered in common or _core(password) in common:
        raise WeakPasswordError("the password is one of the most common passwords; choose another")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 3 and local_part in lowered:
        raise WeakPasswordError("the password must not contain the e-mail's name")


def hash_password(password: str) -> str:
    """An argon2id hash (with its own random salt and parameters) of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches the stored hash; False for a damaged hash too."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters (re-hash it at the next log-in)."""
    return _hasher().check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so a log-in takes as long either way
    and the response time does not reveal which accounts exist."""
    return _hasher().hash("tourscope: no such account")
