"""What other plugins may use of the product database (the rest is internal): the models
kits, side-by-side designs and traceability refer to, the statuses a batch may be used in,
and the blinded kind of a study's product."""

from plugins.product_database.models import (
    DISPENSABLE_BATCH_STATUSES,
    Batch,
    BatchStatus,
    Product,
    ProductKind,
    StudyProduct,
)
from plugins.product_database.permissions import PRODUCT

__all__ = [
    "DISPENSABLE_BATCH_STATUSES",
    "PRODUCT",
    "Batch",
    "BatchStatus",
    "Product",
    "ProductKind",
    "StudyProduct",
]
