"""Offline: importing the package and every loader works with the network switched off."""

from __future__ import annotations

import importlib

import pytest
from pytest_socket import SocketBlockedError

from migrationdata.catalog import SOURCE_IDS


@pytest.mark.disable_socket
def test_import_and_loaders_open_no_socket():
    import socket

    with pytest.raises(SocketBlockedError):
        socket.socket()  # the guard is really on
    import migrationdata
    import migrationdata.cli  # noqa: F401

    for sid in SOURCE_IDS:
        try:
            module = importlib.import_module(f"migrationdata.sources.{sid}")
        except ModuleNotFoundError:
            continue
        importlib.reload(module)
    from migrationdata.sources import darien

    assert darien.year_total(2023) == 520_085
    assert migrationdata.__version__
