"""Fixtures of the web tests: each module names the project it reads (``PROJECT = "pages"``); ``built`` is that
project's session build, ``live`` its app served in-process, ``client`` an httpx client of it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def built(request, builds):
    return builds[request.module.PROJECT]


@pytest.fixture(scope="module")
def live(built):
    return built.serve()


@pytest.fixture(scope="module")
def client(live):
    with live.client() as c:
        yield c
