"""Signals of the randomizations plugin (blinker), for plugins that follow assignments: kit
allocation dispenses the arm's kit, side by side its products.

Each is sent with the ``Assignment`` as sender, once it is flushed and before it commits
(what a receiver writes commits or rolls back with it), with these keyword arguments:
``study``; ``participation`` (the ``SubjectInStudy``); ``environment`` (``test`` or
``production``: a receiver keeps them apart as this plugin does); ``arm`` (the arm's code:
a receiver keeps it as blinded as it is here); ``treatment_code`` (double-blind lists, else
None); ``number`` (the randomization number).
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

from datacapt.toolkit import Study
from plugins.randomizations.models import Assignment

_signals = Namespace()

#: A subject was randomized.
subject_randomized = _signals.signal("subject-randomized")

#: A subject's assignment was voided (with its reason, ``assignment.void_reason``).
assignment_voided = _signals.signal("assignment-voided")


def send(signal: Any, assignment: Assignment, study: Study) -> None:
    signal.send(
        assignment,
        study=study,
        participation=assignment.participation,
        environment=assignment.environment,
        arm=assignment.arm,
        treatment_code=assignment.treatment_code,
        number=assignment.number,
    )
