"""The bare service a user would write: one FastAPI endpoint over a llama-index retriever.

`python -m bench.bare_app --path DIR --collection NAME --port N` serves it with uvicorn,
logging like `python -m service` does, so the two are served alike.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from bench.bare import open_index
from citedqa.embedder import MiniLMEmbedder


class Question(BaseModel):
    """The request body."""

    question: str


def create_bare_app(path: str, collection: str) -> FastAPI:
    """POST /query {"question"} -> the top 5 nodes; GET /health."""
    index = open_index(path, collection, MiniLMEmbedder())
    app = FastAPI()

    @app.post("/query")
    def query(body: Question) -> dict[str, Any]:
        nodes = index.as_retriever(similarity_top_k=5).retrieve(body.question)
        return {
            "nodes": [
                {"id": n.node.node_id, "text": n.node.get_content(), "score": n.score}
                for n in nodes
            ]
        }

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", required=True)
    parser.add_argument("--collection", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_bare_app(args.path, args.collection)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
