"""What a person types into the search box, as an FTS5 expression (:func:`fts_expression`), and the excerpt of a
document found, with the words that matched marked (:func:`excerpt`). Both fold words as the index does
(:mod:`essgraph.search.french`)."""

from __future__ import annotations

import re

from essgraph.search.french import fold, term, terms, words

_QUERY_PART = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
EXCERPT_CHARS = 220


def fts_expression(text: str) -> str | None:
    """The FTS5 expression of a user's query; None when it has no searchable word."""
    positive: list[str] = []
    negative: list[str] = []
    for match in _QUERY_PART.finditer(text):
        if match.group(2) is not None:  # "a phrase"
            excluded, found = match.group(1), terms(match.group(2))
            part = '"' + " ".join(found) + '"' if found else None
        else:
            excluded, word = match.group(3), match.group(4)
            bare = word.rstrip("*")
            found = terms(bare)
            if found and word.endswith("*"):  # a prefix: as typed (folded), not singularised
                found[-1] = words(bare)[-1]
            # a word that folds into several ("Saint-Maur", a card number "2.9") is a phrase
            part = '"' + " ".join(found) + '"' + ("*" if word.endswith("*") else "") if found else None
        if part:
            (negative if excluded else positive).append(part)
    if not positive:
        return None
    return " AND ".join(positive) + "".join(f" NOT {n}" for n in negative)


def excerpt(text: str, wanted: set[str], size: int = EXCERPT_CHARS) -> list[tuple[str, bool]]:
    """A piece of ``text`` around the first word that matches the query, as (text, matched) pieces."""
    matches = [m for m in re.finditer(r"\w+", text) if wanted and term(fold(m.group())) in wanted]
    start = 0
    if matches:
        start = max(0, matches[0].start() - size // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + size)
    if end < len(text):
        end = max(text.rfind(" ", start, end), start + size // 2)
    pieces: list[tuple[str, bool]] = [("… ", False)] if start else []
    cursor = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        pieces += [(text[cursor : m.start()], False), (m.group(), True)]
        cursor = m.end()
    pieces.append((text[cursor:end].replace("\n", " "), False))
    if end < len(text):
        pieces.append((" …", False))
    return [(t.replace("\n", " "), marked) for t, marked in pieces if t]
