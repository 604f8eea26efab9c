"""CITEDQA_CHROMA_TOKEN reaches the Chroma server: `chroma run` behind a token-checking proxy."""

import uuid
from pathlib import Path

import pytest

from citedqa.components import make_embedder, open_store
from citedqa.errors import StoreUnavailableError
from ingest.job import ingest_path
from tests.helpers import SEEDS, make_settings, served
from tests.token_proxy import token_proxy

TOKEN = "s3cret-token-for-chroma"


def test_every_request_to_the_server_carries_the_token(
    chroma_server: tuple[str, int], tmp_path: Path
) -> None:
    host, port = chroma_server
    with token_proxy(f"http://{host}:{port}", TOKEN) as (proxy_port, seen):
        settings = make_settings(
            tmp_path / "unused",
            chroma_host="127.0.0.1",
            chroma_port=proxy_port,
            chroma_token=TOKEN,
            collection=f"tok-{uuid.uuid4().hex[:8]}",
        )
        assert ingest_path(settings, SEEDS, show_progress=False).documents["added"] == 5
        with served(settings) as api:
            assert api.get("/health").json()["store"] == "ok"
            body = api.post("/v1/query", json={"question": "Where did Putin and Kim meet?"})
            assert body.status_code == 200 and body.json()["citations"]
        assert len(seen) > 10 and set(seen) == {f"Bearer {TOKEN}"}
        assert TOKEN not in repr(settings), "the token must not show in logs of the settings"


@pytest.mark.parametrize("token", [None, "wrong"])
def test_without_the_right_token_the_store_is_unavailable(
    chroma_server: tuple[str, int], tmp_path: Path, token: str | None
) -> None:
    host, port = chroma_server
    with token_proxy(f"http://{host}:{port}", TOKEN) as (proxy_port, seen):
        settings = make_settings(
            tmp_path, chroma_host="127.0.0.1", chroma_port=proxy_port, chroma_token=token
        )
        with pytest.raises(StoreUnavailableError) as caught:
            open_store(settings, make_embedder(settings))
        assert seen and TOKEN not in caught.value.message
