"""What other plugins may use of the product database (the rest is internal): the models
kits, side-by-side designs and traceability refer to, the statuses a batch may be used in
and whether it may be used on a day, the signal sent when a batch is taken out of use, and
the blinded kind of a study's product."""

from __future__ import annotations

from plugins.product_database.models import (
    DISPENSABLE_BATCH_STATUSES,
    Batch,
    BatchStatus,
    Product,
    ProductKind,
    StudyProduct,
)
from plugins.product_database.permissions import PRODUCT
from plugins.product_database.signals import batch_withdrawn

__all__ = [
    "DISPENSABLE_BATCH_STATUSES",
    "PRODUCT",
    "Batch",
    "BatchStatus",
    "Product",
    "ProductKind",
    "StudyProduct",
    "batch_withdrawn",
]
