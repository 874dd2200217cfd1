"""Linking: flagged posts, their accounts and contact points -> the rings behind them.

Pure core: no storage, files or rendering. `redline.store.rings` persists rings across batches,
`redline.link_report` renders reports and evidence packets, `redline.cli.link` wires them up.
"""

from redline.link.entities import EntityError, EntityKey, normalize_entity, normalize_phone
from redline.link.graph import LinkGraph
from redline.link.records import LinkRecord, ShipmentError, post_record, shipment_record
from redline.link.rings import LinkConfig, Ring, RingSet, compute_rings

__all__ = [
    "EntityError",
    "EntityKey",
    "LinkConfig",
    "LinkGraph",
    "LinkRecord",
    "Ring",
    "RingSet",
    "ShipmentError",
    "compute_rings",
    "normalize_entity",
    "normalize_phone",
    "post_record",
    "shipment_record",
]
