"""Signals of the ePRO plugin (blinker, as Flask's own), for plugins that follow what
subjects fill in."""

from blinker import Namespace

_signals = Namespace()

#: Sent with the ``Occurrence`` as sender when it closes unanswered (expired), before
#: that change commits: a receiver's writes commit (or roll back) with it.
occurrence_missed = _signals.signal("occurrence-missed")
