"""What a build publishes beside its store: dumps and the actions CSV (``dumps``), the DCAT-AP catalog
(``catalog``) checked against the official shapes (``dcat_check``), and the VoID description (``void``)."""
