"""Models of queries: none of their own. The query records are the eCRF's
(``plugins.ecrf.api.DataQuery`` and its thread, ``DataQueryMessage``): the eCRF opens and
closes the automatic ones itself, whether monitoring is enabled or not."""

from __future__ import annotations

MODELS: list[type] = []
