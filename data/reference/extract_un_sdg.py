"""Extract the UN SDG goals and targets (not the indicators) from the UN SDG KOS, in French and English.

Usage::

    python data/reference/extract_un_sdg.py SOURCE.ttl [OUTPUT.ttl]

SOURCE is ``un-sdg-kos-goals-targets-indicators.ttl`` of UNStats/LOD4Stats (``sdg-data/``); without OUTPUT the
Turtle is written to standard output. The output keeps, for the scheme, the 17 goals and the 169 targets:
their types, ``skos:prefLabel``/``skos:altLabel``/``skos:note`` in French and English only, ``skos:notation``,
``skos:inScheme``, ``skos:topConceptOf``/``skos:hasTopConcept``, ``skos:broader``/``skos:narrower`` between a goal
and its targets, and ``skos:exactMatch``. Everything about indicators is dropped.

The source has a few labels that belong to other concepts or are truncated (target 12.3 carries the label of
indicator 17.13.1 and a truncated English label). A concept with several labels in one language keeps only the
labels that are not the label of another concept of the source and, of those, the longest; every label dropped
is reported on standard error. The script fails when the counts are not 17 goals and 169 targets.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
SCHEME = URIRef("http://metadata.un.org/sdg")
LANGS = ("fr", "en")
LABEL_PROPS = (SKOS.prefLabel, SKOS.altLabel, SKOS.note)
EXPECTED = {"goals": 17, "targets": 169}

HEADER = """\
# UN Sustainable Development Goals: the 17 goals and 169 targets of the UN SDG KOS, labels in French and English.
#
# Source: UN Statistics Division, UN SDG KOS (http://metadata.un.org/sdg/), file
#   un-sdg-kos-goals-targets-indicators.ttl of UNStats/LOD4Stats, folder sdg-data/.
# Rights: UN Statistics Division (terms of use of the UN SDG KOS); this extract changes no label text.
# Produced by: {command}
#   (indicators dropped; labels other than fr/en dropped; mislabelled or truncated labels dropped, see the script).
# IRIs are the source's, e.g. http://metadata.un.org/sdg/12 (goal 12) and http://metadata.un.org/sdg/12.3
# (target 12.3); they are the values of ess:sdgTarget. Do not edit by hand: re-run the script.
"""

PREFIXES = {
    "rdf": str(RDF),
    "skos": str(SKOS),
    "sdg": str(SDG),
    "sdgo": str(SDGO),
}


def _natural_key(iri: URIRef) -> tuple:
    """Order 1 < 1.1 < 1.2 < 1.10 < 1.a, 2 < 10."""
    code = str(iri)[len(str(SDG)):]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def extract(source: Graph) -> tuple[Graph, list[str]]:
    """Return the extract and the list of labels dropped as wrong."""
    goals = sorted(set(source.subjects(RDF.type, SDGO.Goal)), key=_natural_key)
    targets = sorted(set(source.subjects(RDF.type, SDGO.Target)), key=_natural_key)
    if len(goals) != EXPECTED["goals"] or len(targets) != EXPECTED["targets"]:
        raise SystemExit(f"expected 17 goals and 169 targets, found {len(goals)} and {len(targets)}")
    kept = set(goals) | set(targets)

    # labels of every concept, to detect a label that was copied from another concept
    owners: dict[tuple[str, str | None], set[URIRef]] = defaultdict(set)
    for s, o in source.subject_objects(SKOS.prefLabel):
        owners[(str(o), o.language)].add(s)

    out = Graph()
    dropped: list[str] = []
    out.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    for o in source.objects(SCHEME, SKOS.prefLabel):
        if o.language in LANGS:
            out.add((SCHEME, SKOS.prefLabel, o))

    for concept in goals + targets:
        for t in source.objects(concept, RDF.type):
            out.add((concept, RDF.type, t))
        for p in (SKOS.notation, SKOS.exactMatch):
            for o in source.objects(concept, p):
                out.add((concept, p, o))
        for p in (SKOS.inScheme, SKOS.topConceptOf):
            for o in source.objects(concept, p):
                if o == SCHEME:
                    out.add((concept, p, o))
        if (SCHEME, SKOS.hasTopConcept, concept) in source:
            out.add((SCHEME, SKOS.hasTopConcept, concept))
        for p in (SKOS.broader, SKOS.narrower):
            for o in source.objects(concept, p):
                if o in kept:
                    out.add((concept, p, o))
        for p in LABEL_PROPS:
            by_lang: dict[str, list[Literal]] = defaultdict(list)
            for o in source.objects(concept, p):
                if isinstance(o, Literal) and o.language in LANGS:
                    by_lang[o.language].append(o)
            for lang, labels in by_lang.items():
                chosen = labels
                if p == SKOS.prefLabel and len(labels) > 1:
                    own = [lab for lab in labels if owners[(str(lab), lang)] == {concept}] or labels
                    chosen = [max(own, key=lambda lab: len(str(lab)))]
                for lab in labels:
                    if lab in chosen:
                        out.add((concept, p, lab))
                    else:
                        dropped.append(f"{concept} {p.n3()} {lab.n3()}")
    return out, dropped


def _term(node, nm) -> str:
    return node.n3(nm)


def serialize(g: Graph, command: str) -> str:
    """Readable, stable Turtle: the scheme, then each goal followed by its targets, in natural order."""
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    nm = g.namespace_manager
    lines = [HEADER.format(command=command)]
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    order = [SKOS.prefLabel, SKOS.altLabel, SKOS.note, SKOS.notation, SKOS.inScheme, SKOS.topConceptOf,
             SKOS.hasTopConcept, SKOS.broader, SKOS.narrower, SKOS.exactMatch]

    def block(s: URIRef) -> str:
        types = sorted(g.objects(s, RDF.type), key=str)
        parts = [f"{_term(s, nm)} a " + ", ".join(_term(t, nm) for t in types)]
        for p in order:
            objs = list(g.objects(s, p))
            if not objs:
                continue
            if all(isinstance(o, URIRef) for o in objs):
                objs.sort(key=lambda o: _natural_key(o) if str(o).startswith(str(SDG)) else (str(o),))
            else:
                objs.sort(key=lambda o: (o.language or "", str(o.datatype or ""), str(o)))
            parts.append(f"{_term(p, nm)} " + " ,\n        ".join(_term(o, nm) for o in objs))
        return " ;\n    ".join(parts) + " .\n"

    lines.append("\n# " + "-" * 60 + "\n# The scheme\n# " + "-" * 60 + "\n")
    lines.append(block(SCHEME))
    goals = sorted(g.subjects(RDF.type, SDGO.Goal), key=_natural_key)
    for goal in goals:
        lines.append(f"\n# " + "-" * 60 + f"\n# Goal {str(goal)[len(str(SDG)):]}\n# " + "-" * 60 + "\n")
        lines.append(block(goal))
        for target in sorted(g.objects(goal, SKOS.narrower), key=_natural_key):
            lines.append(block(target))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: extract_un_sdg.py SOURCE.ttl [OUTPUT.ttl]", file=sys.stderr)
        return 2
    source_path = Path(argv[1])
    source = Graph()
    source.parse(source_path, format="turtle")
    out, dropped = extract(source)
    for line in dropped:
        print(f"dropped label: {line}", file=sys.stderr)
    command = "python data/reference/extract_un_sdg.py " + " ".join(argv[1:])
    text = serialize(out, command)
    check = Graph()
    check.parse(data=text, format="turtle")
    if set(check) != set(out):
        raise SystemExit("the serialisation does not give back the extracted triples")
    if len(argv) == 3:
        Path(argv[2]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
