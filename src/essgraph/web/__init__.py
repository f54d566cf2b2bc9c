"""The server: the app factory's parts (published build, errors), the routers and the views."""
