"""The product database's signal (blinker), for plugins that keep stock of its batches:
allocation takes the kits of a batch out of use.

``batch_withdrawn`` is sent with the ``Batch`` as sender when it is recalled, moved back to
quarantine or expires, once the change is flushed and before it commits (what a receiver
writes commits or rolls back with it), with ``status`` (the new one), ``previous`` (the
status it left) and ``reason`` (None for an expiry).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A batch may no longer be used (recalled, quarantined again, expired).
batch_withdrawn = _signals.signal("batch-withdrawn")
