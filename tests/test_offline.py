"""Offline: importing the package and reading every table works with the network switched off."""

from __future__ import annotations

import importlib

import pytest
from pytest_socket import SocketBlockedError

from migrationdata.catalog import SOURCE_IDS


@pytest.mark.disable_socket
@pytest.mark.filterwarnings("ignore:A test tried to use socket.socket")
def test_import_and_loaders_open_no_socket():
    import socket

    with pytest.raises(SocketBlockedError):
        socket.socket()  # the guard is really on
    import migrationdata
    import migrationdata.cli  # noqa: F401
    from migrationdata import claims, closures, processed

    for sid in SOURCE_IDS:
        module = importlib.reload(importlib.import_module(f"migrationdata.sources.{sid}"))
        for table in module.SOURCE.tables:
            assert len(processed.read(table.name)) > 0 or table.name == "cbp_revisions"
    assert len(closures.load()) > 0
    from migrationdata.sources import darien

    assert darien.year_total(2023) == 520_085
    story = claims.load_story(claims.stories_dir() / "us-mexico-talks-2023-12")
    assert claims.evaluate_story(story, None, ["darien-2023-half-million"])[0].value == 520_085
    assert migrationdata.__version__
