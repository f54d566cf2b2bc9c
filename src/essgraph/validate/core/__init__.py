"""essgraph's SHACL Core engine over pyoxigraph's indexes: :class:`engine.Engine` compiles shapes (``shape``,
``paths``, ``targets``) into constraints found in the registry (``registry``, families in ``constraints/``) and
validates data graphs (``data``: a pyoxigraph store and the literals as written); ``xsd`` knows the XSD lexical forms and value order."""

from essgraph.validate.core.data import DataGraph
from essgraph.validate.core.engine import Engine, unsupported
from essgraph.validate.core.registry import Finding

__all__ = ["DataGraph", "Engine", "Finding", "unsupported"]
