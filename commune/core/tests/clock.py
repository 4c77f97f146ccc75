"""The suite's clock, a pytest plugin (loaded by the root conftest.py).

`pytest --clock 2028-02-29T12:00+01:00` (or COMMUNE_TEST_CLOCK) runs the session at that
instant with time-machine, ticking, and puts every test back at it before its fixtures are set
up: each test, not only the first, sees 29 February (or 23:59 on 31 December, not the new year
its predecessors ticked into). A test that sets its own time (the `time_machine` fixture, or
`time_machine.travel`) still does: its travel sits on top of the session's. The live server
runs in this process, so it is moved too; Chromium's clock does not matter to the server.

`--clock` given several times (COMMUNE_TEST_CLOCK: several instants separated by spaces) runs
each test marked `clock` once at each instant, in one session: its id ends with the instant
(`test_x[@2027-10-31T02:30+01:00]`), so a failure names the instant it failed at and that one
test can be run again alone. One session instead of one per instant: the databases, Redis and
Chromium are set up once, and the two processes share the work of every instant to the end.

Processes a test starts see the same time through libfaketime: `command_at_test_clock()`
preloads it in a command at the offset between this process's clock and the real one. Not
for Chromium (it stops loading pages under libfaketime) nor Spark's JVM (it spins): they keep
the real clock.

`./test` runs the tests marked `clock` under several such instants (docs/testing.md)."""

from __future__ import annotations

import datetime as dt
import os
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

#: The instants given to --clock and the travel that holds the session at them.
CLOCK = pytest.StashKey["SessionClock"]()
#: The fixture that carries a test's instant when the session has several.
INSTANT = "_clock_instant"
#: How many of the session's instants a browser test marked `clock` runs at (besides the real
#: time, in the main run). Chromium costs some ten times a test without it, and what a browser
#: test adds is the page's own reading of the date (its script, its inputs); the dates behind
#: the page are checked at every instant by the tests of the services and views. Which instant
#: is fixed per test (by its name), spread so that every instant has its share of browser tests.
BROWSER_INSTANTS = 1


@dataclass(frozen=True)
class SessionClock:
    instants: tuple[dt.datetime, ...]
    travel: time_machine.travel
    traveller: time_machine.Traveller


def parse_instant(value: str) -> dt.datetime:
    """An ISO 8601 instant with its UTC offset; a bare local time would be ambiguous (on the
    autumn switch day, 02:30 in Zurich happens twice)."""
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--clock {value!r}: not an ISO 8601 date and time") from None
    if instant.utcoffset() is None:
        raise pytest.UsageError(f"--clock {value!r}: give the UTC offset (+01:00, Z)")
    return instant


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="INSTANT",
        action="append",
        default=[],
        help="run every test at INSTANT (ISO 8601 with its offset, e.g. 2028-02-29T12:00+01:00), "
        "the clock ticking from there; given several times, each test marked `clock` runs at "
        "each; default: $COMMUNE_TEST_CLOCK (instants separated by spaces), else the real clock",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    values = config.getoption("clock") or os.environ.get("COMMUNE_TEST_CLOCK", "").split()
    if not values:
        return
    instants = tuple(parse_instant(value) for value in values)
    if len(set(instants)) != len(instants):
        raise pytest.UsageError(f"--clock: an instant is given twice: {' '.join(values)}")
    travel = time_machine.travel(instants[0], tick=True)
    config.stash[CLOCK] = SessionClock(instants=instants, travel=travel, traveller=travel.start())


def pytest_unconfigure(config: pytest.Config) -> None:
    clock = config.stash.get(CLOCK, None)
    if clock is not None:
        clock.travel.stop()
        del config.stash[CLOCK]


def pytest_report_header(config: pytest.Config) -> str | list[str] | None:
    clock = config.stash.get(CLOCK, None)
    if clock is None:
        return None
    lines = [
        f"{instant.isoformat()} ({instant.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)"
        for instant in clock.instants
    ]
    if len(lines) == 1:
        return f"clock: every test starts at {lines[0]}"
    return ["clock: each test marked `clock` starts at each of", *(f"  {x}" for x in lines)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    clock = metafunc.config.stash.get(CLOCK, None)
    if clock is None or len(clock.instants) < 2:
        return
    if metafunc.definition.get_closest_marker("clock") is None:
        return
    instants = clock.instants
    if metafunc.definition.get_closest_marker("browser") is not None:
        first = zlib.crc32(metafunc.definition.nodeid.encode())
        instants = tuple(
            instants[(first + i) % len(instants)]
            for i in range(min(BROWSER_INSTANTS, len(instants)))
        )
    metafunc.parametrize(
        INSTANT,
        instants,
        indirect=True,
        ids=[f"@{instant.isoformat(timespec='minutes')}" for instant in instants],
    )


@pytest.fixture(autouse=True)
def _clock_instant(request: pytest.FixtureRequest) -> dt.datetime | None:
    """The instant this test started at when the session has several (else None)."""
    return getattr(request, "param", None)


def item_instant(item: pytest.Item) -> dt.datetime | None:
    """The instant `item` starts at: its own when the session has several, else the session's;
    None when the session runs on the real clock."""
    clock = item.config.stash.get(CLOCK, None)
    if clock is None:
        return None
    callspec = getattr(item, "callspec", None)
    if callspec is not None and INSTANT in callspec.params:
        return callspec.params[INSTANT]
    return clock.instants[0]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    clock = item.config.stash.get(CLOCK, None)
    if clock is not None:
        clock.traveller.move_to(item_instant(item))


def clock_offset() -> float:
    """Seconds between this process's clock (time-machine's, when travelling) and the real one."""
    if not time_machine.escape_hatch.is_travelling():
        return 0.0
    return time.time() - time_machine.escape_hatch.time.time()


def command_at_test_clock(command: list[str]) -> list[str]:
    """`command`, run under libfaketime at this process's clock when time-machine moved it, so
    that a worker writes the same dates as the test that started it.

    libfaketime is preloaded through `env` (which execs), not through the `faketime` program:
    that one forks, waits, and names a semaphore after its pid, so a wrapper stopped by a signal
    left it behind and a later one given the same pid refused to start ("sem_open: File
    exists")."""
    if not time_machine.escape_hatch.is_travelling():
        return command
    libraries = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    if not libraries:
        pytest.fail("libfaketime is not installed (apt-get install faketime)")
    offset = f"FAKETIME={clock_offset():+.3f}"
    return ["env", f"LD_PRELOAD={libraries[0]}", offset, *command]
