"""The dashboards of modules a tenant may not have: monitoring's source data
verification and ePRO's compliance, each read only where the tenant has the module."""

from __future__ import annotations

from datacapt.toolkit import DatacaptException, ErrorCode, Message, plugin_enabled
from plugins.analytics.errors import AnalyticsCodes


def require_module(name: str) -> None:
    """404 when the tenant does not use the module a dashboard reads."""
    if not plugin_enabled(name):
        raise DatacaptException(
            ErrorCode.NOT_FOUND,
            AnalyticsCodes.MODULE_NOT_USED,
            Message(
                "This dashboard needs the {module} module, which is not in use here.", module=name
            ),
        )
