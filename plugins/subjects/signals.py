"""Signals of the subjects plugin (blinker, as Flask's own), for plugins that follow
subjects through a study."""

from blinker import Namespace

_signals = Namespace()

#: Sent with the ``SubjectInStudy`` as sender after its status or inclusion date changed,
#: before the change commits: a receiver's writes commit (or roll back) with it.
participation_changed = _signals.signal("participation-changed")
