"""POST /v1/screen: decide one post or a batch inline, store each decision once, answer in order.

Why the body is parsed by hand: it is one of two shapes (`{"id", "text"}` or `{"posts": [...]}`),
and dispatching on the `posts` key gives 422 errors that name the field of the shape the client
meant, instead of a union's errors for both.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from redline.store.decisions import ScreenedPost
from redline.types import Post
from redline.web.auth import token_caller
from redline.web.schemas import BatchIn, PostIn
from redline.web.services import Services, services_of

router = APIRouter(prefix="/v1", tags=["screening"])
_screener = token_caller("screener")
M = TypeVar("M", bound=BaseModel)

_OPENAPI_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/PostIn"},
                        {"$ref": "#/components/schemas/BatchIn"},
                    ]
                }
            }
        },
    }
}


def _invalid(loc: tuple[Any, ...], message: str, kind: str = "value_error") -> None:
    raise RequestValidationError([{"type": kind, "loc": ("body", *loc), "msg": message}])


def _validated(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _parse(body: bytes, svc: Services) -> tuple[list[PostIn], bool]:
    """The posts in a request body and whether it was a batch; 422 naming the bad field."""
    limits = svc.config.limits
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        _invalid((), f"body is not JSON: {exc}", "json_invalid")
    if isinstance(data, dict) and "posts" in data:
        posts = data["posts"]
        if isinstance(posts, list) and len(posts) > limits.max_batch:
            _invalid(("posts",), f"at most {limits.max_batch} posts per request, got {len(posts)}")
        batch = _validated(BatchIn, data).posts
        is_batch = True
    else:
        batch, is_batch = [_validated(PostIn, data)], False
    for index, post in enumerate(batch):
        if len(post.text) > limits.max_text_chars:
            where = ("posts", index, "text") if is_batch else ("text",)
            _invalid(
                where, f"text has {len(post.text):,} characters, over {limits.max_text_chars:,}"
            )
    return batch, is_batch


@router.post(
    "/screen",
    openapi_extra=_OPENAPI_BODY,
    summary="Screen one post, or a batch of posts, and store each decision once",
    responses={401: {}, 403: {}, 413: {}, 422: {}, 429: {}},
)
async def screen(request: Request) -> Response:
    """Answers `Decision.to_dict()` (the JSON `scan` writes), or `{"decisions": [...]}` in order.

    The caller is resolved here, not through `Depends`: on this, the hottest path, FastAPI's
    dependency solving took about a third of the framework's time per request.

    Screening runs inline on the event loop (well under a millisecond for most posts, less than a
    thread hop costs); the write goes to the worker's group-commit writer, and the answer is sent
    once it is committed.
    """
    svc: Services = services_of(request)
    caller = await _screener(request, svc)
    posts, is_batch = _parse(await request.body(), svc)
    assert svc.pipeline is not None
    decided = svc.pipeline.screen([Post(p.id, p.text) for p in posts])
    answers = [d.to_dict() for d in decided]
    await svc.writer.write(
        [
            ScreenedPost(p.text, answer, caller.principal, p.model_extra or None)
            for p, answer in zip(posts, answers, strict=True)
        ]
    )
    payload = {"decisions": answers} if is_batch else answers[0]
    return Response(orjson.dumps(payload), media_type="application/json")
