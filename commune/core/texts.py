"""Sentences that the code writes for people to read later, stored as a key and parameters and
written out when read: in the reader's language, dates in the reader's locale. Each app keeps
its own table of keys (permits/models/texts.py, mobility/texts.py); this is how one is written.
Names typed by people (streets, files, sites) are parameters and stay as typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.functional import Promise


@dataclass(frozen=True)
class Sentence:
    """A msgid with %(name)s placeholders. `dates` name the parameters stored as ISO dates,
    `labels` the parameters holding a value to write out as its label: (name, a Choices class
    or a mapping value -> label)."""

    msgid: str | Promise
    dates: tuple[str, ...] = ()
    labels: tuple[tuple[str, Any], ...] = ()

    def render(self, params: dict[str, Any]) -> str:
        values = dict(params)
        for name in self.dates:
            day = dt.date.fromisoformat(values[name])
            values[name] = formats.date_format(day, "DATE_FORMAT")
        for name, labels in self.labels:
            if name in values:
                known = dict(labels.choices) if hasattr(labels, "choices") else labels
                values[name] = str(known.get(values[name], values[name]))
        return str(self.msgid) % values


#: A sentence, or a function that writes one out from the parameters (for a sentence made of
#: others, or one another module writes).
Writer = Sentence | Callable[[dict[str, Any]], str]


def render_from(
    sentences: Mapping[str, Writer], key: str, params: dict[str, Any] | None, *, fallback=""
) -> str:
    """The sentence `key` of `sentences` written out with `params` in the active language;
    `fallback` (a text stored before sentences were kept as keys) when there is no known key."""
    writer = sentences.get(key)
    if writer is None:
        return fallback
    params = params or {}
    return writer.render(params) if isinstance(writer, Sentence) else writer(params)
