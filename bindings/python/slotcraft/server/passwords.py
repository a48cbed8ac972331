"""Users' passwords: what one must be, and its argon2id hash (Debian's
python3-argon2). The hash carries its own cost, so the cost can be raised
later: a hash made at a lower one is made again at the next sign-in."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHash, VerificationError

from .errors import ApiError

# RFC 9106's second recommended setting: 3 passes over 64 MiB, 4 lanes (about 0.2 s here).
ARGON2_COST = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


def _hasher() -> PasswordHasher:
    return PasswordHasher(**ARGON2_COST)


def check_password(password: str, login: str) -> None:
    """ApiError(400) on `password` when it is not one a user may choose."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(400, f"a password has at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ApiError(400, f"a password has at most {MAX_PASSWORD_LENGTH} characters", field="password")
    if password.casefold() == login.casefold():
        raise ApiError(400, "the password must not be the login", field="password")


def hash_password(password: str) -> str:
    """`$argon2id$v=19$m=...,t=...,p=...$<salt>$<digest>`."""
    return _hasher().hash(password)


def password_matches(password: str, stored: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHash):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether `stored` was made at another cost than ARGON2_COST's."""
    return _hasher().check_needs_rehash(stored)


@functools.lru_cache(maxsize=4)
def _stand_in(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost, memory_cost, parallelism).hash("no one's password")


def spend_a_check(password: str) -> None:
    """Takes as long as checking a password, for a login with none (unknown,
    or invited and not yet accepted): the time of an answer does not tell."""
    password_matches(password, _stand_in(**ARGON2_COST))
