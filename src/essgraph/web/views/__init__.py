"""What people see: the site's addresses (``site``), the pages (``pages``, ``french``, ``schema_org``), the catalog
as served (``catalog``), the SPARQL pages (``sparql_pages``)."""
