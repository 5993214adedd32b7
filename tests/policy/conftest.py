"""Policy tier: the ThingSpace policy pack under the real ``pulumi preview --policy-pack``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_thingspace.demo.services import Services, running_services


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The simulator (demo fleet) and a callback sink for one test module."""
    with running_services(tmp_path_factory.mktemp("services")) as running:
        yield running
