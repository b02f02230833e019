"""The payments plugin's error codes, in its manifest's range 7220-7259."""

from __future__ import annotations

import enum


class PaymentCodes(enum.IntEnum):
    """Append only: a number never changes. 7220-7239 plans, orders and payees, 7240-7259
    validation, batches, files and bank reports."""

    PLAN_TERMS_INVALID = 7220
    PLAN_VERSION_NOT_DRAFT = 7221
    DRAFT_PLAN_VERSION_EXISTS = 7222
    BANK_DETAILS_INVALID = 7223
    VISIT_NOT_DONE = 7224
    VISIT_ALREADY_CONFIRMED = 7225
    VISIT_NOT_CONFIRMED = 7226
    VISITS_NOT_CONFIRMED_IN_STUDY = 7227
    # Validation, batches, files and bank reports (7240-7259).
    FOUR_EYES_REFUSED = 7240
    ORDER_AMOUNT_LOCKED = 7241
    ORDER_AMOUNT_INVALID = 7242
    DEBTOR_ACCOUNT_INVALID = 7243
    DEBTOR_ACCOUNT_NAME_TAKEN = 7244
    BATCH_ORDERS_REFUSED = 7245
    PAYEE_BANK_DETAILS_MISSING = 7246
    BATCH_NOT_OPEN = 7247
    BATCH_FILE_ALTERED = 7248
    BANK_REPORT_UNREADABLE = 7249
