"""A post's states: open → matched → done | no_one_found | cancelled, one table of allowed
transitions and who may make each; pure, no database.

AUTHOR is the neighbour who posted it, PARTNER the one matched with them, COORDINATOR the
town's social service (who acts for callers without an account, and may close anything)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUTHOR = "author"
PARTNER = "partner"
COORDINATOR = "coordinator"

OPEN, MATCHED, DONE, NO_ONE_FOUND, CANCELLED = (
    "open",
    "matched",
    "done",
    "no_one_found",
    "cancelled",
)

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (OPEN, MATCHED): frozenset({AUTHOR, COORDINATOR}),
    (OPEN, NO_ONE_FOUND): frozenset({COORDINATOR}),
    (OPEN, CANCELLED): frozenset({AUTHOR, COORDINATOR}),
    (MATCHED, DONE): frozenset({AUTHOR, PARTNER, COORDINATOR}),
    (MATCHED, OPEN): frozenset({AUTHOR, COORDINATOR}),
    (MATCHED, CANCELLED): frozenset({AUTHOR, COORDINATOR}),
}

#: Neighbours may still answer it.
ANSWERABLE = frozenset({OPEN})
#: Its two people may write to each other and share their contact details.
CONVERSATION = frozenset({MATCHED, DONE})
#: Over: no call-back is due any more.
CLOSED = frozenset({DONE, NO_ONE_FOUND, CANCELLED})


class TransitionNotAllowed(Exception):
    """The requested move is not in the table for this actor."""

    def __init__(self, current: str, target: str, actor: str):
        self.current, self.target, self.actor = current, target, actor
        super().__init__(f"{actor} cannot move a post from {current} to {target}")

    @property
    def message(self) -> str:
        return str(_("This action is not possible in the current state of the request."))


def allowed(current: str, target: str, *, actor: str) -> bool:
    return actor in TRANSITIONS.get((current, target), frozenset())


def check(current: str, target: str, *, actor: str) -> None:
    if not allowed(current, target, actor=actor):
        raise TransitionNotAllowed(current, target, actor)


def actions(current: str, *, actor: str) -> list[str]:
    """The states `actor` may move a post to from `current` (closing ones for the buttons)."""
    return [
        target for (state, target), who in TRANSITIONS.items() if state == current and actor in who
    ]


STATUS_LABELS = {
    OPEN: _("Open"),
    MATCHED: _("Matched"),
    DONE: _("Done"),
    NO_ONE_FOUND: _("No one found"),
    CANCELLED: _("Cancelled"),
}
TRANSITIONS_STATES = frozenset(STATUS_LABELS)
