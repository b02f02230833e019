"""What other plugins may use of the exports plugin (the rest is internal): the schema an
ODM export validates against, its namespaces, and the OID of a section's ItemGroup per
zone."""

from plugins.exports.formats.odm import zone_group_oid
from plugins.exports.odm import EXTENDED_SCHEMA, EXTENSION_NAMESPACE, ODM_NAMESPACE

__all__ = ["EXTENDED_SCHEMA", "EXTENSION_NAMESPACE", "ODM_NAMESPACE", "zone_group_oid"]
