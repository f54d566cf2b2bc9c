"""The build: hash the sources, validate what changed, load a store made aside, publish its artifacts and swap it
in atomically (``pipeline``); the store folder with its builds (``builds``)."""
