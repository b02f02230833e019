"""CDISC ODM 1.3.2: the official schema files (schema/, with CDISC's notice) and the
schema of Datacapt's vendor extension for what ODM has no element for."""

from pathlib import Path

SCHEMA_DIRECTORY = Path(__file__).parent / "schema"
#: The ODM 1.3.2 schema with Datacapt's extension (what an export validates against).
EXTENDED_SCHEMA = SCHEMA_DIRECTORY / "datacapt-odm.xsd"
#: The official schema alone.
ODM_SCHEMA = SCHEMA_DIRECTORY / "ODM1-3-2.xsd"
EXTENSION_NAMESPACE = "urn:datacapt:odm-extension:v1"
ODM_NAMESPACE = "http://www.cdisc.org/ns/odm/v1.3"
