"""Every model of the allocation plugin, from the module of each activity."""

from __future__ import annotations

from plugins.allocation.configuration.models import MODELS as CONFIGURATION_MODELS
from plugins.allocation.dispensing.models import MODELS as DISPENSING_MODELS
from plugins.allocation.kits.models import MODELS as KIT_MODELS
from plugins.allocation.supply.models import MODELS as SUPPLY_MODELS

MODELS = [*SUPPLY_MODELS, *KIT_MODELS, *CONFIGURATION_MODELS, *DISPENSING_MODELS]
