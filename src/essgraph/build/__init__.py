"""The build: hash the sources, validate what changed (``validation``), load a store made aside (``load``), check it
(``integrity``), publish its artifacts and swap it in atomically (``pipeline``); what it reports (``report``); the
store folder with its builds (``builds``)."""
