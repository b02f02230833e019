"""Monitoring's permission categories, one per activity, each with the actions it needs:
raising, answering, closing, cancelling and reopening a query are separate, as are
freezing, unfreezing, locking and unlocking."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

QUERIES = "queries"
VERIFICATION = "source_data_verification"
REVIEW = "data_review"
LOCKS = "data_locks"
SIGNATURES = "signatures"

CATEGORIES = {
    QUERIES: (Action.ACCESS, "raise", "release", "answer", "close", "cancel", "reopen"),
    VERIFICATION: (Action.ACCESS, "verify", "plan"),
    REVIEW: (Action.ACCESS, "review"),
    LOCKS: (Action.ACCESS, "freeze", "unfreeze", "lock", "unlock"),
    SIGNATURES: (Action.ACCESS, "sign"),
}

QUERIES_ACCESS = build_permission(QUERIES, Action.ACCESS)
QUERIES_RAISE = build_permission(QUERIES, "raise")
#: Release a pre-query (a monitor's draft) to the site.
QUERIES_RELEASE = build_permission(QUERIES, "release")
QUERIES_ANSWER = build_permission(QUERIES, "answer")
QUERIES_CLOSE = build_permission(QUERIES, "close")
QUERIES_CANCEL = build_permission(QUERIES, "cancel")
QUERIES_REOPEN = build_permission(QUERIES, "reopen")

VERIFICATION_ACCESS = build_permission(VERIFICATION, Action.ACCESS)
VERIFY = build_permission(VERIFICATION, "verify")
#: Set the study's verification plans.
VERIFICATION_PLAN = build_permission(VERIFICATION, "plan")

REVIEW_ACCESS = build_permission(REVIEW, Action.ACCESS)
REVIEW_DATA = build_permission(REVIEW, "review")

LOCKS_ACCESS = build_permission(LOCKS, Action.ACCESS)
FREEZE = build_permission(LOCKS, "freeze")
UNFREEZE = build_permission(LOCKS, "unfreeze")
LOCK = build_permission(LOCKS, "lock")
UNLOCK = build_permission(LOCKS, "unlock")

SIGNATURES_ACCESS = build_permission(SIGNATURES, Action.ACCESS)
SIGN = build_permission(SIGNATURES, "sign")

_SEE_ALL = [QUERIES_ACCESS, VERIFICATION_ACCESS, REVIEW_ACCESS, LOCKS_ACCESS, SIGNATURES_ACCESS]

# The monitor verifies and raises queries; the investigator answers and signs; the data
# manager reviews, releases pre-queries, closes, freezes and locks.
DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [*_SEE_ALL, VERIFICATION_PLAN],
    "investigator": [*_SEE_ALL, QUERIES_ANSWER, SIGN],
    "monitor": [*_SEE_ALL, QUERIES_RAISE, VERIFY],
    "data_manager": [
        *_SEE_ALL,
        QUERIES_RAISE,
        QUERIES_RELEASE,
        QUERIES_CLOSE,
        QUERIES_CANCEL,
        QUERIES_REOPEN,
        VERIFICATION_PLAN,
        REVIEW_DATA,
        FREEZE,
        UNFREEZE,
        LOCK,
        UNLOCK,
    ],
    "viewer": list(_SEE_ALL),
}
