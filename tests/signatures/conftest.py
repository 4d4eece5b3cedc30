"""Fixtures of the signature tests: one demonstration seal per test process."""

from __future__ import annotations

import pytest

from tests.signatures.helpers import make_seal_files, seal_config


@pytest.fixture(scope="session")
def seal_files(tmp_path_factory):
    """(PKCS#12 path, password) of a demonstration seal."""
    return make_seal_files(tmp_path_factory.mktemp("seal"))


@pytest.fixture
def app_config(seal_files):
    """Every app of these tests signs with the demonstration seal."""
    return seal_config(*seal_files)
