"""Test support shipped with the platform: a pytest plugin, factories, a tenant-aware client."""
