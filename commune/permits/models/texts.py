"""Sentences the services write for people to read later (the checks' findings, why a service
reviews a request). They are stored as a key and parameters, and written out when someone reads
them: in the reader's language, dates in the reader's locale. Names typed by people (streets,
layers, officers, organisations) are parameters and stay as typed.

A sentence can also depend on who reads it (`Audience`): the town's staff read what was found,
an applicant only what the public may already know of other people's works (see
`Finding.text_for`). Both are written out from what is stored; no second text is kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from commune.core.texts import Sentence, render_from

from .choices import WorkKind
from .config import RoutingRule


class Audience(StrEnum):
    """Who reads a stored sentence: the town's staff, or the applicant's side (the applicant,
    the people of its organisation, its systems through the API, its e-mails)."""

    STAFF = "staff"
    APPLICANT = "applicant"


#: Every stored sentence, by key. A key is data in the database: never rename or reuse one.
SENTENCES: dict[str, Sentence] = {
    "finding.emergency": Sentence(_("Emergency works.")),
    "finding.notice": Sentence(
        _("The works start less than %(n)d working days after the request.")
    ),
    "finding.conflict": Sentence(
        _("Works %(ref)s are planned near by from %(start)s to %(end)s."),
        dates=("start", "end"),
    ),
    "finding.moratorium": Sentence(
        _("%(street)s was resurfaced; no digging before %(until)s."), dates=("until",)
    ),
    "finding.coordination": Sentence(
        _("%(who)s plans works on the same street (%(ref)s, from %(start)s): share one trench?"),
        dates=("start",),
    ),
    # What an applicant reads of a private person's published works: never who.
    "finding.coordination.unnamed": Sentence(
        _(
            "Other works are planned on the same street (%(ref)s, from %(start)s): "
            "share one trench?"
        ),
        dates=("start",),
    ),
    "routing.kind": Sentence("%(kind)s", labels=(("kind", WorkKind),)),
    "routing.impact": Sentence("%(impact)s", labels=(("impact", RoutingRule.Impact),)),
    "routing.always": Sentence(_("reviews every request")),
    "routing.layer": Sentence(_("work area touches %(layer)s")),
    "routing.manual": Sentence(_("added by %(name)s")),
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise TypeError("sentences take dates, not datetimes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)  # a model (organisation, person) by its name, as shown today


@dataclass(frozen=True)
class Text:
    """One sentence to store: its key and its parameters, ready for a JSON field."""

    key: str
    params: dict[str, Any]

    @classmethod
    def of(cls, key: str, **params: Any) -> Text:
        """Checked now rather than on someone's page: the key is known, every placeholder has
        its parameter, dates become ISO strings."""
        text = cls(key, {name: _jsonable(value) for name, value in params.items()})
        SENTENCES[key].render(text.params)
        return text

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": self.params}

    def __str__(self) -> str:
        return render(self.key, self.params)


def render(key: str, params: dict[str, Any] | None, *, fallback: str = "") -> str:
    """The sentence `key` written out with `params` in the active language. `fallback` is the
    text stored before sentences were kept as keys: shown when there is no (known) key."""
    return render_from(SENTENCES, key, params, fallback=fallback)


def render_parts(parts: list[dict[str, Any]] | None, *, fallback: str = "", sep: str = "; ") -> str:
    """Several stored sentences (`Text.as_json()`) in one line; `fallback` when there are none or
    one is no longer known."""
    if not parts or any(part.get("key") not in SENTENCES for part in parts):
        return fallback
    return sep.join(render(part["key"], part.get("params")) for part in parts)
