"""citedqa.client.Client against the real service over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from citedqa.client import Client
from citedqa.client_models import Delta, Final
from citedqa.errors import ServiceError, ServiceUnreachable
from citedqa.settings import Settings
from eval.inprocess import serve_app
from service.app import create_app
from tests.helpers import SEEDS, free_port, settings_like

QUESTION = "Where did Putin and Kim meet?"
KIM_DOC = "001_bf46565b3b65e965"


@pytest.fixture(scope="module")
def client(api: httpx.Client) -> Client:
    return Client(str(api.base_url))


def test_ask_returns_a_typed_answer_whose_quotes_are_verbatim(client: Client) -> None:
    reply = client.ask(QUESTION)
    assert not reply.refused and reply.citations and reply.answerer == "extractive"
    for n, citation in enumerate(reply.citations, start=1):
        document = client.document(citation.doc_id)
        assert document.text[citation.start : citation.end] == citation.quote
        assert f"[{n}]" in reply.answer


def test_ask_sends_the_search_options(client: Client) -> None:
    others = [d.doc_id for d in client.documents() if d.doc_id != KIM_DOC]
    reply = client.ask(QUESTION, top_k=3, retrieval="bm25", doc_ids=others, debug=True)
    assert KIM_DOC not in {c.doc_id for c in reply.citations}
    assert reply.timings is not None and reply.timings.total_ms > 0
    chunks = client.retrieve(QUESTION, top_k=2, doc_ids=[KIM_DOC])
    assert len(chunks) == 2 and {c.doc_id for c in chunks} == {KIM_DOC}
    text = client.document(KIM_DOC).text
    assert all(text[c.start : c.end] == c.text for c in chunks)


def test_stream_yields_deltas_then_the_answer_ask_gives(client: Client) -> None:
    events = list(client.stream(QUESTION))
    assert isinstance(events[-1], Final) and all(isinstance(e, Delta) for e in events[:-1])
    assert events[:-1], "no delta before the final answer"
    assert events[-1].response == client.ask(QUESTION)


def test_documents_follow_the_pages(client: Client) -> None:
    paged = [d.doc_id for d in client.documents(page_size=2)]
    assert paged == [d.doc_id for d in client.documents(page_size=100)]
    assert len(paged) == len(list(SEEDS.iterdir())) == len(set(paged))
    originals = list(client.documents(duplicate_of=""))
    assert 0 < len(originals) < len(paged)


def test_error_replies_carry_the_problem(client: Client) -> None:
    with pytest.raises(ServiceError) as missing:
        client.document("no-such-document")
    assert (missing.value.status, missing.value.title) == (404, "Not found")
    assert "no-such-document" in missing.value.detail
    with pytest.raises(ServiceError) as invalid:
        client.ask("x" * 2001)
    assert invalid.value.status == 422 and invalid.value.errors
    with pytest.raises(ServiceError) as in_stream:
        list(client.stream("x" * 2001))
    assert in_stream.value.status == 422


def test_no_service_is_unreachable() -> None:
    with Client(f"http://127.0.0.1:{free_port()}", timeout=2) as nobody:
        with pytest.raises(ServiceUnreachable):
            nobody.health()
        with pytest.raises(ServiceUnreachable):
            list(nobody.stream(QUESTION))


def test_upload_then_delete_with_the_admin_key(settings: Settings, tmp_path: Path) -> None:
    keyed = settings_like(settings, api_key="reader-key", admin_api_key="admin-key")
    note = tmp_path / "harbour.md"
    note.write_text("# Harbour\n\nThe harbour of Port Elmsby reopened on Tuesday.\n")
    with serve_app(create_app(keyed)) as url:
        with Client(url, api_key="reader-key") as reader:
            assert reader.health().status == "ok"
            with pytest.raises(ServiceError) as forbidden:
                reader.upload([note])
            assert forbidden.value.status == 403
        with Client(url, api_key="admin-key") as admin:
            [added] = admin.upload([note])
            assert (added.doc_id, added.status) == ("harbour", "added")
            assert [d.doc_id for d in admin.documents()] == ["harbour"]
            assert admin.ask("When did the harbour of Port Elmsby reopen?").citations
            assert admin.delete("harbour").chunks_removed == added.chunks
            assert list(admin.documents()) == []
        with Client(url) as anonymous, pytest.raises(ServiceError) as unauthorized:
            list(anonymous.documents())
        assert unauthorized.value.status == 401
