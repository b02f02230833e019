"""Signals of the tenancy module (blinker, as Flask's own)."""

from blinker import Namespace

_signals = Namespace()

#: Sent with ``tenant=TenantRef`` by the app that created a tenant, after commit.
tenant_created = _signals.signal("tenant-created")
