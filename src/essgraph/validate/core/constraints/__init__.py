"""The SHACL Core constraint components, one module per family of SHACL 1.0 §4; importing this package registers
them all. The import order is the evaluation order within a shape: cheap tests first, so that a conformance check
(``sh:node``, ``sh:or``…) stops at the first failure before it looks at nested shapes."""

from essgraph.validate.core.constraints import (  # noqa: F401  (each module registers its components)
    cardinality,
    logical,
    other,
    property_pair,
    shape_based,
    string_based,
    value_range,
    value_type,
)
