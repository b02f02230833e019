"""Dependency order of named things (plugins, calculated questions), with graphlib."""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping


class DependencyCycle(ValueError):
    """The graph has a cycle; ``cycle`` lists it, each name depending on the next."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


def dependency_order(depends_on: Mapping[str, Iterable[str]]) -> list[str]:
    """Every name after those it depends on; names are taken in sorted order, so the
    result is the same at every start. No recursion: any depth of chain is fine."""
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name in sorted(depends_on):
        sorter.add(name, *sorted(depends_on[name]))
    try:
        return list(sorter.static_order())
    except graphlib.CycleError as exc:
        # graphlib lists each node before the one depending on it: reverse to read
        # "a depends on b".
        raise DependencyCycle(list(reversed(exc.args[1]))) from None
