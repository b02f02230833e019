"""Error codes: ErrorCode is the HTTP-level class, InternalCodes the stable number for clients.

InternalCodes are part of the API contract: a number is never reused or renumbered
(docs/api.md lists them, and a test keeps the list in step). These are the core's; each
plugin keeps its own IntEnum in its range (``CORE_CODE_RANGES`` are the core's).
"""

from __future__ import annotations

import enum


class ErrorCode(enum.Enum):
    """HTTP-level error classes, each with its status code."""

    REQUEST_INVALID = 400
    UNAUTHORIZED = 401
    FORBIDDEN = 403
    NOT_FOUND = 404
    METHOD_NOT_ALLOWED = 405
    CONFLICT = 409
    GONE = 410
    PRECONDITION_FAILED = 412
    PAYLOAD_TOO_LARGE = 413
    UNSUPPORTED_MEDIA_TYPE = 415
    VALIDATION_ERROR = 422
    PRECONDITION_REQUIRED = 428
    TOO_MANY_REQUESTS = 429
    INTERNAL_ERROR = 500
    SERVICE_UNAVAILABLE = 503

    @property
    def status(self) -> int:
        return self.value

    @classmethod
    def for_status(cls, status: int) -> ErrorCode:
        """The error class of an HTTP status; unknown 4xx map to REQUEST_INVALID."""
        try:
            return cls(status)
        except ValueError:
            return cls.REQUEST_INVALID if 400 <= status < 500 else cls.INTERNAL_ERROR


class InternalCodes(enum.IntEnum):
    """The core's stable numeric codes, which the frontend maps to messages. Append only."""

    # 1xxx: generic HTTP conditions
    MALFORMED_REQUEST = 1000
    AUTHENTICATION_REQUIRED = 1001
    PERMISSION_DENIED = 1003
    ROUTE_NOT_FOUND = 1004
    METHOD_NOT_ALLOWED = 1005
    CONFLICT = 1009
    GONE = 1010
    PRECONDITION_FAILED = 1012
    PRECONDITION_REQUIRED = 1028
    TOO_MANY_REQUESTS = 1029
    PAYLOAD_TOO_LARGE = 1013
    VALIDATION_FAILED = 1022
    CHARACTERS_REFUSED = 1030
    JSON_TOO_DEEP = 1031
    JSON_EXPECTED = 1032
    UNKNOWN_PARAMETERS = 1033
    IF_MATCH_INVALID = 1034
    REASON_FOR_CHANGE_INVALID = 1035
    INTERNAL_ERROR = 1500
    SERVICE_UNAVAILABLE = 1503

    # 2xxx: core building blocks
    OBJECT_NOT_FOUND = 2000
    ILLEGAL_STATUS_TRANSITION = 2001

    # 3xxx: tenancy
    TENANT_NOT_FOUND = 3000
    TENANT_ARCHIVED = 3001
    TENANT_SCHEMA_INVALID = 3002
    TENANT_SCHEMA_RESERVED = 3003
    TENANT_ALREADY_EXISTS = 3004
    DOMAIN_INVALID = 3005
    DOMAIN_ALREADY_TAKEN = 3006
    TENANT_REQUIRED = 3008

    # 4xxx: plugins
    MODULE_NOT_ENABLED = 4000
    PLUGIN_NOT_FOUND = 4001
    PLUGIN_REQUIREMENTS_NOT_ENABLED = 4002
    PLUGIN_REQUIRED_BY_ENABLED = 4003
    OPERATOR_AUTHENTICATION_REQUIRED = 4004

    # 5xxx: identity and access
    INVALID_CREDENTIALS = 5000
    INVALID_TOKEN = 5001
    SESSION_EXPIRED = 5002
    INVALID_API_KEY = 5003
    PASSWORD_POLICY = 5004
    RESET_TOKEN_INVALID = 5005
    USER_DOES_NOT_BELONG_TO_STUDY = 5006
    STUDY_REQUIRED = 5007
    STUDY_NOT_FOUND = 5008
    ROLE_IS_DEFAULT = 5009
    ROLE_IN_USE = 5010
    USER_ALREADY_EXISTS = 5011
    INVITATION_INVALID = 5012
    INVITATION_ALREADY_PENDING = 5013
    CENTER_NOT_IN_STUDY = 5014
    STUDY_NOT_DELETABLE = 5015
    WRONG_PASSWORD = 5016
    GRANT_BEYOND_OWN = 5017
    OWN_ACCESS_UNCHANGEABLE = 5018
    CENTER_IN_USE = 5030

    # 6xxx: audit and jobs
    REASON_FOR_CHANGE_REQUIRED = 6000
    JOB_NOT_FOUND = 6001

    # 7003: the file storage's, numbered among the eCRF's codes before plugins had ranges
    FILE_REFUSED = 7003


# The numbers the core keeps for its codes. The plugins' codes live in the plugins, in the
# ranges their manifests declare (PluginManifest.error_codes); start-up refuses a plugin
# range that overlaps these or another plugin's.
CORE_CODE_RANGES: tuple[range, ...] = (
    range(1000, 1040),
    # 1040 is the epro plugin's QUESTIONNAIRE_HAS_ANSWERS, numbered before plugins had ranges.
    range(1041, 7000),
    range(7003, 7004),  # FILE_REFUSED, amid the ecrf plugin's codes
)


HTTP_DEFAULT_INTERNAL_CODES: dict[ErrorCode, InternalCodes] = {
    ErrorCode.REQUEST_INVALID: InternalCodes.MALFORMED_REQUEST,
    ErrorCode.UNAUTHORIZED: InternalCodes.AUTHENTICATION_REQUIRED,
    ErrorCode.FORBIDDEN: InternalCodes.PERMISSION_DENIED,
    ErrorCode.NOT_FOUND: InternalCodes.ROUTE_NOT_FOUND,
    ErrorCode.METHOD_NOT_ALLOWED: InternalCodes.METHOD_NOT_ALLOWED,
    ErrorCode.CONFLICT: InternalCodes.CONFLICT,
    ErrorCode.GONE: InternalCodes.GONE,
    ErrorCode.PRECONDITION_FAILED: InternalCodes.PRECONDITION_FAILED,
    ErrorCode.PAYLOAD_TOO_LARGE: InternalCodes.PAYLOAD_TOO_LARGE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: InternalCodes.JSON_EXPECTED,
    ErrorCode.PRECONDITION_REQUIRED: InternalCodes.PRECONDITION_REQUIRED,
    ErrorCode.TOO_MANY_REQUESTS: InternalCodes.TOO_MANY_REQUESTS,
    ErrorCode.VALIDATION_ERROR: InternalCodes.VALIDATION_FAILED,
    ErrorCode.INTERNAL_ERROR: InternalCodes.INTERNAL_ERROR,
    ErrorCode.SERVICE_UNAVAILABLE: InternalCodes.SERVICE_UNAVAILABLE,
}
