"""Signals of the tenancy module (blinker, as Flask's own)."""

from blinker import Namespace

_signals = Namespace()

#: Sent with ``tenant=TenantRef`` by the app that created a tenant, after commit.
tenant_created = _signals.signal("tenant-created")

#: Sent with the tenant's ``TenantSettings`` as sender and ``changed`` (the names of the
#: settings that changed) before the change commits: a receiver's writes commit with it.
tenant_settings_changed = _signals.signal("tenant-settings-changed")
