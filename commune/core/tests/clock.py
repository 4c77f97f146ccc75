"""The suite's clock, a pytest plugin (loaded by the root conftest.py).

`pytest --clock 2028-02-29T12:00+01:00` (or COMMUNE_TEST_CLOCK) runs the session at that
instant with time-machine, ticking, and puts every test back at it before its fixtures are set
up: each test, not only the first, sees 29 February (or 23:59 on 31 December, not the new year
its predecessors ticked into). A test that sets its own time (the `time_machine` fixture, or
`time_machine.travel`) still does: its travel sits on top of the session's. The live server
runs in this process, so it is moved too; Chromium's clock does not matter to the server.

Processes a test starts see the same time through libfaketime: `command_at_test_clock()`
preloads it in a command at the offset between this process's clock and the real one. Not
for Chromium (it stops loading pages under libfaketime) nor Spark's JVM (it spins): they keep
the real clock.

`./test` runs the tests marked `clock` under several such instants (docs/testing.md)."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

#: The instant given to --clock and the travel that holds the session there.
CLOCK = pytest.StashKey["SessionClock"]()


@dataclass(frozen=True)
class SessionClock:
    instant: dt.datetime
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
        help="run every test at INSTANT (ISO 8601 with its offset, e.g. 2028-02-29T12:00+01:00), "
        "the clock ticking from there; default: $COMMUNE_TEST_CLOCK, else the real clock",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    value = config.getoption("clock") or os.environ.get("COMMUNE_TEST_CLOCK")
    if not value:
        return
    instant = parse_instant(value)
    travel = time_machine.travel(instant, tick=True)
    config.stash[CLOCK] = SessionClock(instant=instant, travel=travel, traveller=travel.start())


def pytest_unconfigure(config: pytest.Config) -> None:
    clock = config.stash.get(CLOCK, None)
    if clock is not None:
        clock.travel.stop()
        del config.stash[CLOCK]


def pytest_report_header(config: pytest.Config) -> str | None:
    clock = config.stash.get(CLOCK, None)
    if clock is None:
        return None
    utc = clock.instant.astimezone(dt.UTC)
    return f"clock: every test starts at {clock.instant.isoformat()} ({utc:%Y-%m-%d %H:%M} UTC)"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    clock = item.config.stash.get(CLOCK, None)
    if clock is not None:
        clock.traveller.move_to(clock.instant)


def session_instant(config: pytest.Config) -> dt.datetime | None:
    """The instant given to --clock, or None when the session runs on the real clock."""
    clock = config.stash.get(CLOCK, None)
    return None if clock is None else clock.instant


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
