"""Password hashing (argon2id) and the password policy (OWASP ASVS level 2)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.i18n import Message

MIN_LENGTH = 12
MAX_LENGTH = 128
HISTORY_DEPTH = 5

# RFC 9106's second recommended option (memory-constrained): 64 MiB, 3 passes, 4 lanes.
PRODUCTION_HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# Only for DATACAPT_ENV=testing, where thousands of hashes would otherwise dominate the run.
TESTING_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def hasher() -> PasswordHasher:
    return TESTING_HASHER if current_app.config.get("TESTING") else PRODUCTION_HASHER


@functools.cache
def _dummy_hash(chosen: PasswordHasher) -> str:
    """Verified against when the email is unknown, so both paths take the same time."""
    return chosen.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    chosen = hasher()
    try:
        return (
            chosen.verify(password_hash or _dummy_hash(chosen), password)
            and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@functools.cache
def common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most common leaked passwords, plus this platform's own obvious ones."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    path = Path(__file__).with_name("common_passwords.txt")
    local = (line.strip().lower() for line in path.read_text().splitlines() if line.strip())
    return frozenset(FREQUENCY_LISTS["passwords"]).union(local)


def _is_common(password: str) -> bool:
    """Common as it is, without its punctuation, or as a common word plus digits/symbols."""
    lowered = password.lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    common = common_passwords()
    return (
        lowered in common or _normalized(password) in common or (len(stem) >= 4 and stem in common)
    )


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def policy_problems(
    password: str, personal: Iterable[str] = (), previous_hashes: Iterable[str] = ()
) -> list[Message]:
    """Why ``password`` is refused (empty: accepted)."""
    problems: list[Message] = []
    if len(password) < MIN_LENGTH:
        problems.append(Message("Use at least {count} characters.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(Message("Use at most {count} characters.", count=MAX_LENGTH))
    if _is_common(password):
        problems.append(Message("This password is too common."))
    squashed = _normalized(password)
    for item in personal:
        for part in re.split(r"[@.\s_-]+", item.lower()):
            if len(part) >= 3 and part in squashed:
                problems.append(Message("Do not use your name or email address in it."))
                break
        else:
            continue
        break
    if any(verify_password(old, password) for old in previous_hashes):
        problems.append(
            Message("Do not reuse one of your last {count} passwords.", count=HISTORY_DEPTH)
        )
    return problems


def check_policy(
    password: str, personal: Iterable[str] = (), previous_hashes: Iterable[str] = ()
) -> None:
    problems = policy_problems(password, personal, previous_hashes)
    if problems:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.PASSWORD_POLICY,
            Message("The password does not meet the policy."),
            fields={"password": problems},
        )
