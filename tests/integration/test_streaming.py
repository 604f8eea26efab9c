"""`POST /v1/query` with `stream: true`: Server-Sent Events over real HTTP."""

import json

import httpx


def events(api: httpx.Client, body: dict) -> list[tuple[str, dict]]:
    out = []
    with api.stream("POST", "/v1/query", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[len("event: ") :]
            elif line.startswith("data: "):
                out.append((event, json.loads(line[len("data: ") :])))
    return out


def test_stream_sends_deltas_then_final_then_done(api: httpx.Client) -> None:
    question = "What did Putin say about agriculture?"
    got = events(api, {"question": question, "stream": True})
    names = [name for name, _ in got]
    assert names[-2:] == ["final", "done"] and set(names[:-2]) == {"delta"} and names[0] == "delta"
    final = got[-2][1]
    plain = api.post("/v1/query", json={"question": question}).json()
    assert final == plain
    assert "".join(d["text"] for n, d in got if n == "delta").replace(" ", "") == final[
        "answer"
    ].replace(" ", "")


def test_stream_refusal_and_validation(api: httpx.Client) -> None:
    got = events(api, {"question": "Which recipe uses butter and chocolate?", "stream": True})
    assert got[-2][0] == "final" and got[-2][1]["refused"] is True
    bad = api.post("/v1/query", json={"question": "", "stream": True})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
