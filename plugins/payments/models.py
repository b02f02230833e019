"""Every model of the payments plugin, from the module of each activity."""

from __future__ import annotations

from plugins.payments.batches.models import MODELS as BATCH_MODELS
from plugins.payments.orders.models import MODELS as ORDER_MODELS
from plugins.payments.payees.models import MODELS as PAYEE_MODELS
from plugins.payments.plans.models import MODELS as PLAN_MODELS
from plugins.payments.visits.models import MODELS as VISIT_MODELS

MODELS = [*PLAN_MODELS, *PAYEE_MODELS, *BATCH_MODELS, *ORDER_MODELS, *VISIT_MODELS]
