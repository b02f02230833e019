"""The product database's error codes, in its manifest's range 7140-7169."""

from __future__ import annotations

import enum


class ProductCodes(enum.IntEnum):
    """Append only: a number never changes."""

    PRODUCT_CODE_TAKEN = 7140
    FORMULA_INVALID = 7141
    FORMULA_NOT_DRAFT = 7142
    FORMULA_DRAFT_EXISTS = 7143
    FORMULA_NOT_APPROVABLE = 7144
    FORMULA_NOT_APPLICABLE = 7145
    BATCH_NUMBER_TAKEN = 7146
    BATCH_INVALID = 7147
    BATCH_EXPIRED = 7148
    CATALOGUE_IMPORT_INVALID = 7149
    ATTACHMENT_INVALID = 7150
    PRODUCT_ALREADY_IN_STUDY = 7151
    BLINDING_CODE_TAKEN = 7152
    BLINDING_INCONSISTENT = 7153
    BLINDING_KEY_FORBIDDEN = 7154
