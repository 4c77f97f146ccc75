"""Who pays: the debtor's structured address, as a QR-bill wants it (name, street, building
number, postcode, town, country)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_POSTCODE_TOWN = re.compile(r"^(?:(CH|LI|FR|DE|IT|AT)[- ])?(\d{4,5})\s+(.+)$", re.IGNORECASE)
_STREET_NUMBER = re.compile(r"^(.*?\D)\s+(\d+[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?)$")


@dataclass(frozen=True)
class Debtor:
    name: str
    street: str = ""
    building_number: str = ""
    postcode: str = ""
    town: str = ""
    country: str = "CH"
    email: str = ""
    language: str = "fr"

    @property
    def is_structured(self) -> bool:
        """A QR-bill prints the debtor only with a name, a postcode and a town."""
        return bool(self.name and self.postcode and self.town)


def debtor_from_text(text: str, *, email: str = "", language: str = "fr") -> Debtor:
    """A debtor from a free-text address ("Romande Energie SA\\nRue de Lausanne 53\\n1110
    Morges"): the first line is the name, the line with a postcode gives postcode and town, the
    line before it the street and number. Lines it cannot place stay in the name's line."""
    lines = [line.strip(" ,") for line in re.split(r"[\n\r]+|,\s*", text or "") if line.strip()]
    if not lines:
        return Debtor(name="", email=email, language=language)
    name, rest = lines[0], lines[1:]
    postcode = town = street = number = ""
    country = "CH"
    for index in range(len(rest) - 1, -1, -1):
        match = _POSTCODE_TOWN.match(rest[index])
        if match:
            country = (match.group(1) or "CH").upper()
            postcode, town = match.group(2), match.group(3).strip()
            before = rest[:index]
            if before:
                street_line = before[-1]
                found = _STREET_NUMBER.match(street_line)
                street, number = (found.group(1), found.group(2)) if found else (street_line, "")
                extra = before[:-1]
                if extra:
                    name = " ".join([name, *extra])
            break
    return Debtor(
        name=name[:70],
        street=street[:70],
        building_number=number[:16],
        postcode=postcode,
        town=town[:35],
        country=country,
        email=email,
        language=language,
    )
