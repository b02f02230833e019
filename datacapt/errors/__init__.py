"""Errors: codes, the DatacaptException and the single JSON error envelope."""

from datacapt.errors.codes import ErrorCode, InternalCodes
from datacapt.errors.exceptions import DatacaptException

__all__ = ["DatacaptException", "ErrorCode", "InternalCodes"]
