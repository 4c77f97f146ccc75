"""The observatory's web-side records: real-time sensors and their readings, the quarantine of
unreadable sensor messages, and the history of file imports into the warehouse.

The bulk data (counts, network aggregates, timetables) lives as Parquet in the warehouse
(`warehouse/`); only real-time sensor readings and bookkeeping are rows in the database.
"""

from .feeds import VendorFeed
from .jobs import BackgroundJob, DataImport, Evaluation, _import_upload_to
from .publication import MobilitySettings, Publication, PublicationQuerySet
from .sensors import QuarantinedMessage, ReadingsExport, Sensor, SensorReading
from .uploads import PendingUpload

__all__ = [
    "BackgroundJob",
    "DataImport",
    "Evaluation",
    "MobilitySettings",
    "PendingUpload",
    "Publication",
    "PublicationQuerySet",
    "QuarantinedMessage",
    "ReadingsExport",
    "Sensor",
    "SensorReading",
    "VendorFeed",
    "_import_upload_to",
]
