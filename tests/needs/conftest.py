from unittest import mock

import pytest


@pytest.fixture(autouse=True)
def trigger():
    """The matching trigger, recorded instead of running the engine in every needs test."""
    with mock.patch("needs.services.request_matching_run") as patched:
        yield patched
