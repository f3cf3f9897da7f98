from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from skill.web.settings import WebServiceConfig

from .cases import SKILL_ID, Requests
from .chain_server import ChainServer
from .pki import LocalPki

# Short enough that the slow-chain case costs a fraction of a second.
FETCH_TIMEOUT = 0.3
# Amazon's real, public signing chain (valid 2023-03-16 to 2023-12-23), kept in the repository so
# a fresh clone tests with nothing beside it.
AMAZON_CHAIN = Path(__file__).resolve().parents[1] / "fixtures" / "echo-api-cert-12.pem"


class FakeClock:
    """The verifiers' clock: tests move it instead of waiting."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def pki() -> LocalPki:
    return LocalPki()


@pytest.fixture(scope="session")
def trust_bundle(pki, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("trust") / "test-root.pem"
    path.write_bytes(pki.root_pem)
    return str(path)


@pytest.fixture(scope="session")
def chain_server(pki):
    files = {f"/echo.api/{name}": pem for name, pem in pki.chains.items()}
    # Dedicated copies of the good chain, so download counts belong to one test each.
    for name in ("once.pem", "ttl.pem", "expiring.pem"):
        files[f"/echo.api/{name}"] = pki.chains["good.pem"]
    if AMAZON_CHAIN.is_file():
        files["/echo.api/echo-api-cert-12.pem"] = AMAZON_CHAIN.read_bytes()
    with ChainServer(files, slow=("/echo.api/slow.pem",),
                     redirects={"/echo.api/redirect.pem": "/echo.api/good.pem"}) as server:
        yield server


@pytest.fixture(autouse=True)
def _store_in_tmp(tmp_path, monkeypatch):
    # The real skill keeps consented data in SQLite; never in the developer's home here.
    monkeypatch.setenv("AFTERCARE_SQLITE_PATH", str(tmp_path / "store.sqlite3"))
    monkeypatch.delenv("AFTERCARE_STORE", raising=False)
    monkeypatch.delenv("AFTERCARE_MEMORY", raising=False)
    monkeypatch.delenv("AFTERCARE_REMINDERS", raising=False)


@pytest.fixture
def clock(pki) -> FakeClock:
    return FakeClock(pki.now)


@pytest.fixture
def requests_(pki) -> Requests:
    return Requests(pki)


@pytest.fixture
def config(trust_bundle, chain_server) -> WebServiceConfig:
    return WebServiceConfig(skill_id=SKILL_ID, trust_bundle=trust_bundle,
                            cert_chain_origin=chain_server.origin,
                            cert_fetch_timeout=FETCH_TIMEOUT)
