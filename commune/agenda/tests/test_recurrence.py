"""The recurrence expanded by dateutil from what the entry form gives: local time across DST,
"1st Tuesday", every N weeks, chosen dates, EXDATE, a moved, a cancelled date, until/count."""

import datetime as dt
from dataclasses import dataclass

from commune.agenda import recurrence
from commune.agenda.models import ZURICH
from commune.agenda.recurrence import Spec

HOUR = dt.timedelta(hours=2)


def at(y, m, d, h=14, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=ZURICH)


def dates(start, spec, *, exdates=(), changes=(), after=None, before=None):
    rule, rdates = recurrence.rule_from_spec(spec, start=start)
    return recurrence.expand(
        starts_at=start,
        duration=HOUR,
        rrule=rule,
        rdates=rdates,
        exdates=exdates,
        changes=changes,
        after=after or start,
        before=before or at(2028, 1, 1),
    )


@dataclass
class Change:
    original_start: dt.datetime
    cancelled: bool = False
    starts_at: dt.datetime | None = None
    venue_id: int | None = None
    note: str = ""


def test_a_weekly_14h_event_stays_14h_local_across_both_dst_switches():
    # given: Wednesdays at 14:00 from October 2026 to April 2027 (switches 25.10 and 28.3)
    spec = Spec(kind="weekly", weekdays=(2,), until=dt.date(2027, 4, 30))
    # when
    found = dates(at(2026, 10, 7), spec)
    # then
    assert len(found) == 30
    assert {
        (o.start.astimezone(ZURICH).hour, o.start.astimezone(ZURICH).minute) for o in found
    } == {(14, 0)}
    offsets = {o.start.date(): o.start.utcoffset() for o in found}
    assert offsets[dt.date(2026, 10, 21)] == dt.timedelta(hours=2)
    assert offsets[dt.date(2026, 10, 28)] == dt.timedelta(hours=1)
    assert offsets[dt.date(2027, 3, 24)] == dt.timedelta(hours=1)
    assert offsets[dt.date(2027, 3, 31)] == dt.timedelta(hours=2)
    assert found[-1].start == at(2027, 4, 28)


def test_the_rule_keeps_until_in_utc_as_rfc5545_wants_beside_a_tzid():
    rule, _ = recurrence.rule_from_spec(
        Spec(kind="weekly", weekdays=(0, 3), interval=2, until=dt.date(2027, 1, 31)),
        start=at(2026, 11, 2),
    )
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270131T225959Z"


def test_first_tuesday_of_the_month():
    spec = Spec(kind="monthly", ordinal=1, weekday=1, count=4)
    found = dates(at(2026, 12, 1, 9, 30), spec)
    assert [o.start for o in found] == [
        at(2026, 12, 1, 9, 30),
        at(2027, 1, 5, 9, 30),
        at(2027, 2, 2, 9, 30),
        at(2027, 3, 2, 9, 30),
    ]


def test_every_two_weeks_on_two_days_until_a_date_inclusive():
    spec = Spec(kind="weekly", weekdays=(0, 3), interval=2, until=dt.date(2026, 11, 19))
    found = dates(at(2026, 11, 2), spec)
    assert [o.start.date() for o in found] == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 19),
    ]


def test_count_limits_the_series():
    found = dates(at(2026, 11, 4), Spec(kind="weekly", weekdays=(2,), count=3))
    assert [o.start.date() for o in found] == [
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 11),
        dt.date(2026, 11, 18),
    ]


def test_chosen_dates_keep_the_first_dates_time():
    spec = Spec(kind="dates", dates=(dt.date(2027, 7, 1), dt.date(2026, 12, 24)))
    found = dates(at(2026, 12, 20, 18), spec)
    assert [o.start for o in found] == [
        at(2026, 12, 20, 18),
        at(2026, 12, 24, 18),
        at(2027, 7, 1, 18),
    ]
    assert found[-1].start.utcoffset() == dt.timedelta(hours=2)


def test_an_exdate_leaves_its_date_out():
    spec = Spec(kind="weekly", weekdays=(3,), count=3)
    found = dates(at(2026, 12, 17), spec, exdates=["2026-12-24T14:00"])
    assert [o.start.date() for o in found] == [dt.date(2026, 12, 17), dt.date(2026, 12, 31)]


def test_a_moved_date_appears_once_at_its_new_time_and_a_cancelled_one_is_marked():
    spec = Spec(kind="weekly", weekdays=(2,), count=4)
    changes = [
        Change(at(2026, 11, 11), starts_at=at(2026, 11, 12, 10)),
        Change(at(2026, 11, 18), cancelled=True, note="Salle occupée"),
    ]
    found = dates(at(2026, 11, 4), spec, changes=changes)
    assert [(o.start, o.moved, o.cancelled) for o in found] == [
        (at(2026, 11, 4), False, False),
        (at(2026, 11, 12, 10), True, False),
        (at(2026, 11, 18), False, True),
        (at(2026, 11, 25), False, False),
    ]
    assert found[1].original_start == at(2026, 11, 11)
    assert found[1].end == at(2026, 11, 12, 12)


def test_a_date_moved_into_the_window_is_found_and_one_moved_out_is_not():
    spec = Spec(kind="weekly", weekdays=(2,), count=4)
    changes = [Change(at(2026, 11, 11), starts_at=at(2026, 12, 2))]
    window = {"after": at(2026, 11, 26, 0), "before": at(2026, 12, 5, 0)}
    found = dates(at(2026, 11, 4), spec, changes=changes, **window)
    assert [o.start for o in found] == [at(2026, 12, 2)]
    early = dates(
        at(2026, 11, 4),
        spec,
        changes=changes,
        after=at(2026, 11, 10, 0),
        before=at(2026, 11, 12, 0),
    )
    assert early == []


def test_an_occurrence_key_reads_back_as_its_planned_local_time():
    occurrence = dates(at(2027, 3, 31), Spec(kind="weekly", weekdays=(2,), count=1))[0]
    assert occurrence.key == "20270331T1400"
    assert recurrence.occurrence_key_parse(occurrence.key) == at(2027, 3, 31)
