"""Signals of the eCRF plugin (blinker, as Flask's own), for plugins that follow a
subject's data: monitoring freezes, verifies, reviews and signs it.

Each is sent with the ``SubjectInStudy`` as sender and these keyword arguments:
``study``; ``changes``, the question codes whose stored answer moves, each with its value
before and after (``AnswerChange``); ``sections``, the uuids of the sections those
questions belong to (a save in one section may clear or recompute answers of another).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from blinker import Namespace

_signals = Namespace()


@dataclasses.dataclass(frozen=True)
class AnswerChange:
    before: Any
    after: Any


#: Sent before a save writes anything, when some answers would change: a receiver refuses
#: the save by raising a ``DatacaptException`` (a frozen or locked section), and then
#: nothing is written.
answers_changing = _signals.signal("answers-changing")

#: Sent once the changed answers are flushed, before the save commits: a receiver's writes
#: commit (or roll back) with it.
answers_changed = _signals.signal("answers-changed")

#: Sent while a subject's section is read, with ``study``, ``section`` (its uuid) and
#: ``codes`` (its questions' codes): a receiver returns a mapping of names to what it adds
#: to the read's ``annotations`` (queries, verification, signatures...), or None.
section_read = _signals.signal("section-read")

#: Sent with ``study`` and ``section`` (a uuid) for a subject's section instanced by a
#: module (``instance_sections``): its receiver returns the subject's instances of it (a
#: split-body study's zone codes, in order), or None. The saves and reads of an instance
#: send the signals above with ``instance`` too (empty for a plain section).
section_instances = _signals.signal("section-instances")
