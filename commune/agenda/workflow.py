"""An event's states: one table of allowed transitions and who may make each; pure.

Each transition is carried out by one service (services/events.py), which calls `check()`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ORGANISER = "organiser"
MODERATOR = "moderator"
#: The town trusts the organiser: its submission is published without review.
TRUSTED = "trusted"

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("draft", "submitted"): frozenset({ORGANISER}),
    ("draft", "published"): frozenset({TRUSTED, MODERATOR}),
    ("rejected", "submitted"): frozenset({ORGANISER}),
    ("rejected", "published"): frozenset({TRUSTED}),
    ("submitted", "draft"): frozenset({ORGANISER}),
    ("submitted", "published"): frozenset({MODERATOR, TRUSTED}),
    ("submitted", "rejected"): frozenset({MODERATOR}),
    ("published", "cancelled"): frozenset({ORGANISER, MODERATOR}),
}

#: The organiser may still edit it (a published event's dates change through DateChange).
EDITABLE = frozenset({"draft", "rejected"})
#: In the moderators' queue.
AWAITING_MODERATION = frozenset({"submitted"})
#: Seen by the public (a cancelled event stays, said cancelled, so that nobody comes for it).
PUBLIC = frozenset({"published", "cancelled"})


class TransitionNotAllowed(Exception):
    """The requested move is not in the table for this actor."""

    def __init__(self, current: str, target: str, actor: str):
        self.current, self.target, self.actor = current, target, actor
        super().__init__(f"{actor} cannot move an event from {current} to {target}")

    @property
    def message(self) -> str:
        return str(_("This action is not possible in the event's current state."))


def allowed(current: str, target: str, *, actor: str) -> bool:
    return actor in TRANSITIONS.get((current, target), frozenset())


def check(current: str, target: str, *, actor: str) -> None:
    if not allowed(current, target, actor=actor):
        raise TransitionNotAllowed(current, target, actor)
