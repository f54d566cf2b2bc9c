"""What a build publishes beside its store (``artifacts``): dumps and the actions CSV (``dumps``), the DCAT-AP
catalog (``catalog``, ``distributions``) checked against the official shapes (``dcat_check``), the VoID description
(``void``); where they are in a build folder (``layout``)."""
