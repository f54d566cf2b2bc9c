"""The server: the build it serves (``published``), its dependencies (``deps``), the HTTP rules of every route
(``http``), the exception handlers (``errors``), the routers and the views."""
