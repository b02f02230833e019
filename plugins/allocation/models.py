"""Every model of the allocation plugin, from the module of each activity."""

from __future__ import annotations

from plugins.allocation.kits.models import MODELS as KIT_MODELS
from plugins.allocation.supply.models import MODELS as SUPPLY_MODELS

MODELS = [*SUPPLY_MODELS, *KIT_MODELS]
