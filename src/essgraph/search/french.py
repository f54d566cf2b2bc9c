"""French-aware words for the search index, the same at index time and at query time.

SQLite's FTS5 tokenizer ``unicode61 remove_diacritics 2`` folds case and accents, but knows no French: "jardins"
and "jardin" are different tokens to it. So the text is turned into search terms here, before FTS5 sees it:

1. folded: Unicode NFKD, combining marks dropped, lower case, ligatures spelled out ("Œuvre" -> "oeuvre");
2. cut into words (letters and digits; apostrophes and hyphens separate: "l'économie" -> "l", "economie");
3. common French function words dropped ("de", "la", "les", "l", "d"...);
4. brought to the singular by a light stemmer of plural endings: "-eaux" -> "-eau" (bureaux), "-aux" -> "-al"
   (locaux -> local), a final "-s" or "-x" dropped (jardins -> jardin, jeux -> jeu) on words of four letters or
   more. Nothing else: no conjugation or derivation ("jardinage" stays apart from "jardin"), so results stay
   predictable. Both sides fold the same way, so a word that is singular with an "s" ("temps") still finds itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOPWORDS = frozenset(
    """
a au aux avec ce ces c d dans de des du elle en et est il ils j l la le les leur leurs m ma mais me mes n ne nos
notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te tes ton un une vos votre y
""".split()
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, without accents or ligatures: 'Économie Œuvrée' -> 'economie oeuvree'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def singular(word: str) -> str:
    """The singular a French plural most likely comes from (see the module's notes); other words unchanged."""
    if len(word) < 4 or word.isdigit():
        return word
    if word.endswith("eaux"):
        return word[:-1]
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"
    if word[-1] in "sx":
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of a text, function words included (for phrase positions and highlighting)."""
    return _WORD.findall(fold(text))


def term(word: str) -> str | None:
    """The search term of one folded word, or None for a function word."""
    return None if word in STOPWORDS else singular(word)


def terms(text: str) -> list[str]:
    """The search terms of a text, in order: what FTS5 indexes and what a query looks for."""
    return [t for chunk in text.split() for t in _chunk_terms(chunk)]


@lru_cache(maxsize=1 << 16)
def _chunk_terms(chunk: str) -> tuple[str, ...]:
    """The terms of a text without white space, remembered: texts repeat their words, and folding each character
    is what the index build spends most on. Cutting at white space first gives the same terms (white space folds to
    white space, which no word spans)."""
    return tuple(t for t in (term(w) for w in words(chunk)) if t)


def indexable(*texts: str) -> str:
    """Texts as one string of search terms, ready for an FTS5 column."""
    return " ".join(" ".join(terms(t)) for t in texts if t)
