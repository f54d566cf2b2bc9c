"""Names: the slug rule of instance IRIs and the normalised form used to match names to the reference data.

Slugs (docs/modelling.md): lowercase ASCII, accents removed, words joined by ``-``. A normalised name is compared,
never published: accents and case dropped, every run of punctuation or spaces one space, so that "Pôle emploi",
"pole-emploi" and "POLE EMPLOI" match.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def ascii_fold(text: str) -> str:
    """Accents removed (é -> e, œ -> oe), case folded."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slug(text: str) -> str:
    """The slug of ``text``: lowercase ASCII words joined by '-' (empty when nothing is left)."""
    return _NOT_WORD.sub("-", ascii_fold(text)).strip("-")


def normalised(text: str) -> str:
    """The form names are matched on: accent-free, lowercase, punctuation and spaces collapsed to one space."""
    return _NOT_WORD.sub(" ", ascii_fold(text)).strip()


def clean_text(value) -> str:
    """A cell as text: spaces at both ends removed, Windows line ends and non-breaking spaces made plain."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u202f", " ")
    return text.strip()


def split_lines(value) -> list[str]:
    """One item per non-empty line of a cell (objectives, steps...), list bullets removed."""
    items = []
    for line in clean_text(value).split("\n"):
        line = re.sub(r"^\s*(?:[-•*·–]|\d+[.)])\s+", "", line).strip()
        if line:
            items.append(line)
    return items


def split_list(value, separator: str = ",") -> list[str]:
    """Items of a comma-separated cell (also one per line), empty items dropped, order kept, duplicates dropped."""
    items: list[str] = []
    for line in clean_text(value).split("\n"):
        for item in line.split(separator):
            item = item.strip()
            if item and item not in items:
                items.append(item)
    return items
