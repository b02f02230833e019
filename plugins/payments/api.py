"""What other plugins may use of the payments plugin (the rest is internal): what a
subject is paid in a study (their own account shows it)."""

from plugins.payments.orders.models import OrderStatus, PaymentOrder
from plugins.payments.orders.services import subject_payments

__all__ = ["OrderStatus", "PaymentOrder", "subject_payments"]
