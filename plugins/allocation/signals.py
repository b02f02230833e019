"""Signals of the allocation plugin (blinker, as Flask's own).

``center_stock_changed`` is sent, before the change commits, when kits leave or enter the
available stock of a center (a dispensing, a kit declared invalid, a shipment received),
with the ``Study`` as sender and ``center_id``, ``kit_type_ids`` and ``inventory``: the
supply follows it to ask for a resupply as soon as a center falls below its minimum."""

from blinker import Namespace

_signals = Namespace()

center_stock_changed = _signals.signal("center-stock-changed")
