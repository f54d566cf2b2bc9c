"""What people see: the pages' view helpers and templates' context, the SPARQL pages."""
