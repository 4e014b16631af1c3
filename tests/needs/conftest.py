from unittest import mock

import pytest


@pytest.fixture
def trigger():
    """The matching trigger, recorded, for tests that assert when needs ask for a run."""
    with mock.patch("needs.services.request_matching_run") as patched:
        yield patched
