"""Ill-formed literals fail ``sh:datatype`` (SHACL 1.0 §4.1.2), for every XSD datatype the engine may meet.

A corpus of lexical forms per datatype, each marked well-formed or not by XSD 1.1 Part 2, is validated as the build
validates data (pyoxigraph parses it, the essgraph engine checks it): the engine must reject exactly the ill-formed
ones. pySHACL, the reference, is run on the same data; it decides with Python's and rdflib's parsers, and where it
departs from XSD the departure is listed in ``PYSHACL_DEPARTS`` with its reason (and checked to still be there).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from essgraph.validate.shapes import CompiledShapes, validate_batch

# rdflib warns about the ill-formed literals it is given (on purpose) when pySHACL reads them
pytestmark = [pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning"),
              pytest.mark.filterwarnings("ignore:Serializing weird numerical:UserWarning")]
EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

# datatype -> (well-formed lexical forms, ill-formed ones)
CORPUS = {
    "date": (["2024-03-14", "2024-02-29", "2024-03-14Z", "2024-03-14+02:00", "-0044-03-15", "12024-01-01"],
             ["14/03/2024", "2024-02-30", "2023-02-29", "2024-3-14", " 2024-03-14", "2024-03-14T00:00:00",
              "2024-03-14+15:00", ""]),
    "dateTime": (["2024-03-14T10:30:00", "2024-03-14T10:30:00.5Z", "2024-03-14T24:00:00"],
                 ["2024-03-14 10:30:00", "2024-03-14T25:00:00", "2024-03-14", "2024-03-14T10:30"]),
    "time": (["10:30:00", "23:59:59.999+01:00"], ["10:30", "10h30"]),
    "gYear": (["2024", "-0044", "2024Z"], ["24", "2024-03", "MMXXIV"]),
    "gYearMonth": (["2024-03", "2024-12+01:00"], ["2024-13", "03/2024", "2024-3"]),
    "gMonthDay": (["--02-29", "--12-31"], ["--02-30", "02-29"]),
    "integer": (["42", "+42", "-0", "007"], ["4.2", "1_000", "", "1e3", "forty-two", " 42"]),
    "int": (["2147483647", "-2147483648"], ["2147483648", "1.0"]),
    "long": (["9223372036854775807"], ["9223372036854775808"]),
    "short": (["-32768"], ["32768"]),
    "byte": (["127", "-128"], ["128", "-129", "c"]),
    "nonNegativeInteger": (["0", "+0"], ["-1"]),
    "positiveInteger": (["1"], ["0", "-1"]),
    "nonPositiveInteger": (["0", "-5"], ["1"]),
    "negativeInteger": (["-1"], ["0"]),
    "unsignedByte": (["255"], ["256", "-1"]),
    "unsignedShort": (["65535"], ["65536"]),
    "unsignedInt": (["4294967295"], ["4294967296"]),
    "unsignedLong": (["18446744073709551615"], ["18446744073709551616"]),
    "decimal": (["1.5", "-0.5", ".5", "5.", "+3"], ["1,5", "1e3", "NaN", "1.5.2", "€5"]),
    "double": (["1e3", "1.5E-2", "INF", "-INF", "NaN", "42"], ["inf", "1,5", "1.5f", "e3"]),
    "float": (["-INF", "3.4e38", "0"], ["Infinity", "1.5d"]),
    "boolean": (["true", "false", "1", "0"], ["True", "yes", "2", ""]),
    "duration": (["P1Y2M", "PT1H30M", "P1DT2H", "-P3D", "PT0.5S"], ["P", "PT", "P1YT", "1 hour", "P1.5Y", "PT1.H"]),
    "dayTimeDuration": (["P1DT2H"], ["P1Y"]),
    "yearMonthDuration": (["P1Y2M"], ["P1D"]),
    "anyURI": (["https://example.org/a", "relative/path", "not a URI but XSD 1.1 allows it"], ["bell\u0007"]),
    "hexBinary": (["0FB7", ""], ["0FB", "0G"]),
    "base64Binary": (["QUJD", "QUI="], ["QUJ", "Q=UJ"]),
    "language": (["fr", "en-GB"], ["français", "en_GB"]),
    "string": (["texte", ""], ["bell\u0007"]),
}

# (datatype, lexical form) -> why pySHACL's verdict differs from XSD's (pySHACL 0.40, rdflib 7: it asks rdflib for the
# literal's Python value, and rdflib uses Python's parsers, more lenient than XSD, or none)
PYTHON = "Python's parser accepts it"
NO_CHECK = "rdflib does not check this datatype's lexical space"
PYSHACL_DEPARTS = {
    ("date", "-0044-03-15"): "Python dates stop at year 1 (pySHACL rejects a valid date)",
    ("date", "12024-01-01"): "Python dates stop at year 9999 (pySHACL rejects a valid date)",
    ("dateTime", "2024-03-14T24:00:00"): "Python times stop at 23:59:59 (pySHACL rejects a valid dateTime)",
    ("date", "2024-03-14+15:00"): "rdflib accepts any time-zone offset (XSD: at most 14:00)",
    ("date", "2024-03-14T00:00:00"): PYTHON, ("dateTime", "2024-03-14"): PYTHON,
    ("dateTime", "2024-03-14 10:30:00"): PYTHON, ("dateTime", "2024-03-14T10:30"): PYTHON, ("time", "10:30"): PYTHON,
    ("duration", "P1.5Y"): PYTHON, ("duration", "P1YT"): PYTHON, ("duration", "PT"): PYTHON,
    ("dayTimeDuration", "P1Y"): NO_CHECK, ("yearMonthDuration", "P1D"): NO_CHECK,
    ("decimal", "1e3"): PYTHON, ("decimal", "NaN"): PYTHON, ("double", "inf"): PYTHON, ("float", "Infinity"): PYTHON,
    ("integer", " 42"): PYTHON, ("integer", "1_000"): PYTHON,
    ("long", "9223372036854775808"): "rdflib does not check xsd:long's range",
    ("unsignedLong", "18446744073709551616"): "rdflib does not check xsd:unsignedLong's range",
    ("gYear", "24"): NO_CHECK, ("gYear", "2024-03"): NO_CHECK, ("gYear", "MMXXIV"): NO_CHECK,
    ("gYearMonth", "03/2024"): NO_CHECK, ("gYearMonth", "2024-13"): NO_CHECK, ("gYearMonth", "2024-3"): NO_CHECK,
    ("gMonthDay", "--02-30"): NO_CHECK, ("gMonthDay", "02-29"): NO_CHECK,
    ("language", "en_GB"): NO_CHECK, ("language", "français"): NO_CHECK,
    ("string", "bell\u0007"): "rdflib does not check XML characters", ("anyURI", "bell\u0007"): NO_CHECK,
}


def cases() -> list[tuple[str, str, bool]]:
    return [(dt, lexical, ok) for dt, (good, bad) in CORPUS.items()
            for lexical, ok in [*((g, True) for g in good), *((b, False) for b in bad)]]


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> dict[str, set[tuple[str, str]]]:
    """The (datatype, lexical form) pairs each engine rejects."""
    shapes_file = tmp_path_factory.mktemp("shapes") / "datatypes.ttl"
    shapes_file.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n" + "".join(
        f"<{EX}shape/{dt}> sh:targetSubjectsOf <{EX}{dt}> ; sh:property [ sh:path <{EX}{dt}> ; "
        f"sh:datatype <{XSD}{dt}> ] .\n" for dt in CORPUS), encoding="utf-8")
    quads, subject_of = [], {}
    for i, (dt, lexical, _ok) in enumerate(cases()):
        subject = ox.NamedNode(f"{EX}case/{i}")
        subject_of[subject.value] = (dt, lexical)
        quads.append(ox.Quad(subject, ox.NamedNode(EX + dt), ox.Literal(lexical, datatype=ox.NamedNode(XSD + dt))))
    rejected = {}
    for engine in ("essgraph", "pyshacl"):
        results = validate_batch([("corpus", quads)], CompiledShapes.load((Path(shapes_file),), engine))["corpus"]
        rejected[engine] = {subject_of[r.focus] for r in results}
    return rejected


def test_the_corpus_covers_every_datatype_with_both_verdicts():
    assert all(good and bad for good, bad in CORPUS.values())
    assert len(cases()) >= 150


def test_the_essgraph_engine_rejects_exactly_the_ill_formed_literals(validated):
    ill_formed = {(dt, lexical) for dt, lexical, ok in cases() if not ok}
    assert sorted(validated["essgraph"] - ill_formed) == []  # well-formed literals rejected
    assert sorted(ill_formed - validated["essgraph"]) == []  # ill-formed literals accepted


def test_pyshacl_agrees_except_where_listed(validated):
    ill_formed = {(dt, lexical) for dt, lexical, ok in cases() if not ok}
    assert sorted(validated["pyshacl"] ^ ill_formed) == sorted(PYSHACL_DEPARTS)


def test_the_issue_12_date_fails_with_both_engines(validated):
    """Issue 12: "14/03/2024"^^xsd:date was accepted by the essgraph engine and rejected by pySHACL."""
    assert ("date", "14/03/2024") in validated["essgraph"] & validated["pyshacl"]
