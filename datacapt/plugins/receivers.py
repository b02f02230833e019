"""Signal receivers of plugins: connected once per process, called only in the tenants that
enabled their plugin (a blinker signal reaches every tenant's requests and jobs)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

from blinker import Signal

from datacapt.plugins.services import enabled_in_transaction
from datacapt.tenancy.context import current_tenant_or_none

Receiver = TypeVar("Receiver", bound=Callable[..., Any])


@overload
def connect_when_enabled(signal: Signal, plugin: str) -> Callable[[Receiver], Receiver]: ...


@overload
def connect_when_enabled(signal: Signal, plugin: str, receiver: Receiver) -> Receiver: ...


def connect_when_enabled(
    signal: Signal, plugin: str, receiver: Receiver | None = None
) -> Receiver | Callable[[Receiver], Receiver]:
    """Connect ``receiver`` to ``signal``, called only where the current tenant has
    ``plugin`` enabled (never outside a tenant); without ``receiver``, a decorator.

    The receiver is returned as it is: called directly, it is not gated.
    """
    if receiver is None:

        def decorator(function: Receiver) -> Receiver:
            return connect_when_enabled(signal, plugin, function)

        return decorator

    @functools.wraps(receiver)
    def when_enabled(sender: Any, **kwargs: Any) -> Any:
        tenant = current_tenant_or_none()
        if tenant is None or plugin not in enabled_in_transaction(tenant.id):
            return None
        return receiver(sender, **kwargs)

    # Strongly held: the wrapper has no other reference that would keep it connected.
    signal.connect(when_enabled, weak=False)
    return receiver
