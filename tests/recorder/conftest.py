"""One kyodo home per test module: a recording is made once and checked several ways."""

from __future__ import annotations

import pytest

from kyodo.core.settings import reset_settings
from kyodo.runner.registry import load_registry
from tests.conftest import REGISTRY, use_home


@pytest.fixture(scope="module")
def home(demo_portal, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        yield use_home(mp, tmp_path_factory.mktemp("recorder") / "var")
    reset_settings()


@pytest.fixture(scope="module")
def registry(home):
    return load_registry(REGISTRY)
