"""What other plugins may use of the randomizations plugin (the rest is internal): the
signals of assignments (kit allocation and side by side follow them), the models they
read, the blinded kind of an arm (to blind what they derive from it the same way), and the
replayable random stream (for their own generated lists and samples), and designs whose
arms are sequences of products over a subject's zones (side by side)."""

from plugins.randomizations.methods.sequences import (
    SequenceScheme,
    sequence_code,
    sequence_of,
    zone_sequences,
)
from plugins.randomizations.methods.stream import SeededStream, new_seed
from plugins.randomizations.models import Assignment, Design, Environment
from plugins.randomizations.permissions import ARM
from plugins.randomizations.services import create_sequence_design
from plugins.randomizations.signals import assignment_voided, subject_randomized

__all__ = [
    "ARM",
    "Assignment",
    "Design",
    "Environment",
    "SeededStream",
    "SequenceScheme",
    "assignment_voided",
    "create_sequence_design",
    "new_seed",
    "sequence_code",
    "sequence_of",
    "subject_randomized",
    "zone_sequences",
]
