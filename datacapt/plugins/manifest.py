"""What a plugin declares about itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet

PLUGIN_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class PluginManifest:
    """Name (also the entry-point name), version, title, dependencies, supported core, and
    the numbers its error codes take (``error_codes``: a range, or a tuple of ranges)."""

    name: str
    version: str
    title: str
    description: str = ""
    requires: tuple[str, ...] = field(default_factory=tuple)
    core_version: str = ""  # a PEP 440 specifier such as ">=0.1,<1"; empty accepts any
    error_codes: range | tuple[range, ...] = ()

    @property
    def error_ranges(self) -> tuple[range, ...]:
        """The declared ranges of error code numbers, as a tuple."""
        return (self.error_codes,) if isinstance(self.error_codes, range) else self.error_codes

    def problems(self, core: str) -> list[str]:
        """What makes this manifest unusable with core version ``core`` (empty: none)."""
        found: list[str] = []
        if not PLUGIN_NAME_PATTERN.match(self.name):
            found.append(
                f"name {self.name!r} must be 2 to 40 lower-case letters, digits or underscores"
            )
        if not self.title.strip():
            found.append("title is empty")
        for declared in self.error_ranges:
            if not isinstance(declared, range) or declared.step != 1 or not declared:
                found.append(f"error_codes {declared!r} is not a non-empty range of step 1")
        try:
            supported = SpecifierSet(self.core_version)
        except InvalidSpecifier:
            found.append(f"core_version {self.core_version!r} is not a version specifier")
        else:
            if not supported.contains(core, prereleases=True):
                found.append(f"supports core {self.core_version!r} but this platform is {core}")
        return found
