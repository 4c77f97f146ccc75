"""Reads: every selector takes the municipality first and returns a QuerySet or a value.
`files`: who may read which file; `overview`: the staff's queue, map and statistics."""

from .files import (
    PERMIT_STAFF,
    ROUTED,
    complement_open,
    permit_get_for_applicant,
    permit_get_for_reader,
    permit_get_for_staff,
    permit_ids_staff_may_open,
    permit_list_for_applicant,
    permit_list_for_staff,
    permit_list_staff_may_open,
    permit_settings_get,
    permit_staff_may_open,
)
from .overview import (
    QUEUE_FINDINGS,
    QUEUE_PAGE_SIZE,
    address_search,
    permit_map_features,
    permit_queue,
    permit_queue_rows,
    permit_stats,
    task_list_for_departments,
    task_list_late,
)

__all__ = [
    "PERMIT_STAFF",
    "QUEUE_FINDINGS",
    "QUEUE_PAGE_SIZE",
    "ROUTED",
    "address_search",
    "complement_open",
    "permit_get_for_applicant",
    "permit_get_for_reader",
    "permit_get_for_staff",
    "permit_ids_staff_may_open",
    "permit_list_for_applicant",
    "permit_list_for_staff",
    "permit_list_staff_may_open",
    "permit_map_features",
    "permit_queue",
    "permit_queue_rows",
    "permit_settings_get",
    "permit_staff_may_open",
    "permit_stats",
    "task_list_for_departments",
    "task_list_late",
]
