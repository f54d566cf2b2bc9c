"""essgraph: publish municipal ESS plans as validated, queryable, harvestable Linked Open Data."""

__version__ = "0.1.0"
