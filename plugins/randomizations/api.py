"""What other plugins may use of the randomizations plugin (the rest is internal): the
signals of assignments (kit allocation and side by side follow them), the models they
read, the blinded kind of an arm (to blind what they derive from it the same way), and the
replayable random stream (for their own generated lists and samples)."""

from plugins.randomizations.methods.stream import SeededStream, new_seed
from plugins.randomizations.models import Assignment, Design, Environment
from plugins.randomizations.permissions import ARM
from plugins.randomizations.signals import assignment_voided, subject_randomized

__all__ = [
    "ARM",
    "Assignment",
    "Design",
    "Environment",
    "SeededStream",
    "assignment_voided",
    "new_seed",
    "subject_randomized",
]
