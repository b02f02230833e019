"""Errors: codes, the DatacaptException, the helpers that build the common ones, and the
single JSON error envelope."""

from datacapt.errors.codes import ErrorCode, InternalCodes
from datacapt.errors.exceptions import DatacaptException
from datacapt.errors.helpers import conflict, forbidden, invalid, not_found

__all__ = [
    "DatacaptException",
    "ErrorCode",
    "InternalCodes",
    "conflict",
    "forbidden",
    "invalid",
    "not_found",
]
