"""POST /v1/screen: decide one post or a batch inline, store each decision once, answer in order.

Why the body is parsed by hand: it is one of two shapes (`{"id", "text"}` or `{"posts": [...]}`),
and dispatching on the `posts` key gives 422 errors that name the field of the shape the client
meant, instead of a union's errors for both. A well-formed post is read without pydantic (most
of the parsing time); anything else goes through the pydantic models, whose errors name the field.

Why `InlineScreen`: FastAPI's routing, dependency solving and response machinery cost about as
much CPU as screening the post itself. The middleware answers `POST /v1/screen` directly with the
same code the documented route runs (`screen_answer`), and hands any error to the app's own
exception handlers, so 401/403/422/429/503 answers are the ones the route gives.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, NamedTuple, TypeVar

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException

from redline.store.decisions import ScreenedPost
from redline.store.text import NUL_MESSAGE, holds_nul
from redline.types import Post
from redline.web.auth import bearer_caller
from redline.web.schemas import MAX_ID_CHARS, BatchIn, PostIn
from redline.web.services import Services, services_of

router = APIRouter(prefix="/v1", tags=["screening"])
M = TypeVar("M", bound=BaseModel)
SCREEN_PATH = "/v1/screen"
MINIMUM_ROLE = "screener"

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


class PostToScreen(NamedTuple):
    id: str
    text: str
    meta: dict[str, Any] | None  # the post's other fields, stored with its decision


def _invalid(loc: tuple[Any, ...], message: str, kind: str = "value_error") -> None:
    raise RequestValidationError([{"type": kind, "loc": ("body", *loc), "msg": message}])


def _validated(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _well_formed(data: Any) -> PostToScreen | None:
    """The post when `data` is plainly valid (`PostIn` would accept it unchanged), else None."""
    if type(data) is not dict:
        return None
    post_id, text = data.get("id"), data.get("text")
    if type(post_id) is not str or type(text) is not str or not 0 < len(post_id) <= MAX_ID_CHARS:
        return None
    meta = {k: v for k, v in data.items() if k != "id" and k != "text"} if len(data) > 2 else None
    return PostToScreen(post_id, text, meta)


def _through_pydantic(post: PostIn) -> PostToScreen:
    return PostToScreen(post.id, post.text, post.model_extra or None)


def _parse(body: bytes, svc: Services) -> tuple[list[PostToScreen], bool]:
    """The posts in a request body and whether it was a batch; 422 naming the bad field."""
    limits = svc.config.limits
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        _invalid((), f"body is not JSON: {exc}", "json_invalid")
    is_batch = type(data) is dict and "posts" in data
    if is_batch:
        posts = data["posts"]
        if isinstance(posts, list) and len(posts) > limits.max_batch:
            _invalid(("posts",), f"at most {limits.max_batch} posts per request, got {len(posts)}")
        quick = [_well_formed(p) for p in posts] if type(posts) is list else []
        if quick and all(quick):
            batch: list[PostToScreen] = quick  # type: ignore[assignment]
        else:
            batch = [_through_pydantic(p) for p in _validated(BatchIn, data).posts]
    else:
        single = _well_formed(data)
        batch = [single or _through_pydantic(_validated(PostIn, data))]
    for index, post in enumerate(batch):
        where = ("posts", index) if is_batch else ()
        if len(post.text) > limits.max_text_chars:
            _invalid(
                (*where, "text"),
                f"text has {len(post.text):,} characters, over {limits.max_text_chars:,}",
            )
        for field, label, value in (
            (("id",), "id", post.id),
            (("text",), "text", post.text),
            ((), "a field", post.meta),  # the post's other fields, stored with its decision
        ):
            # PostgreSQL stores no NUL, and one in a shared commit would fail every request in it
            if holds_nul(value):
                _invalid((*where, *field), f"{label} {NUL_MESSAGE}")
    return batch, is_batch


async def screen_answer(svc: Services, authorization: str, body: bytes) -> bytes:
    """The JSON answer to a screening request, once its decisions are committed.

    Raises HTTPException (401, 403, 429) or RequestValidationError (422); nothing is written
    unless every post in the request is valid.
    """
    caller = bearer_caller(svc, authorization, MINIMUM_ROLE)
    posts, is_batch = _parse(body, svc)
    assert svc.pipeline is not None
    answers = [d.to_dict() for d in svc.pipeline.screen([Post(p.id, p.text) for p in posts])]
    await svc.writer.write(
        [
            ScreenedPost(p.text, answer, caller.principal, p.meta)
            for p, answer in zip(posts, answers, strict=True)
        ]
    )
    return orjson.dumps({"decisions": answers} if is_batch else answers[0])


@router.post(
    "/screen",
    openapi_extra=_OPENAPI_BODY,
    summary="Screen one post, or a batch of posts, and store each decision once",
    responses={401: {}, 403: {}, 413: {}, 422: {}, 429: {}},
)
async def screen(request: Request) -> Response:
    """Answers `Decision.to_dict()` (the JSON `scan` writes), or `{"decisions": [...]}` in order.

    Served by `InlineScreen` in the app `create_app` builds; this route documents the endpoint
    and serves it in an app without that middleware.

    Screening runs inline on the event loop (well under a millisecond for most posts, less than a
    thread hop costs); the write goes to the worker's group-commit writer, and the answer is sent
    once it is committed.
    """
    authorization = request.headers.get("authorization", "")
    answer = await screen_answer(services_of(request), authorization, await request.body())
    return Response(answer, media_type="application/json")


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class InlineScreen:
    """Pure-ASGI middleware answering `POST /v1/screen` itself; every other request passes on.

    Sits inside the app's other middleware (body limit, security headers, server errors), so
    only FastAPI's routing and endpoint layers are skipped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != SCREEN_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        authorization = ""
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
                break
        body = await _body(receive)
        if body is None:
            return  # the client went away: nobody to answer, nothing screened or stored
        try:
            answer = await screen_answer(scope["app"].state.services, authorization, body)
        except Exception as exc:
            handler = _handler_for(scope["app"].exception_handlers, exc)
            if handler is None:
                raise
            response = handler(Request(scope, receive), exc)
            if inspect.isawaitable(response):
                response = await response
            await response(scope, receive, send)
            return
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(answer)).encode())]  # fmt: skip
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


async def _body(receive: Receive) -> bytes | None:
    """The whole request body; None when the client disconnected before sending it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _handler_for(handlers: Mapping[Any, Any], exc: Exception) -> Any:
    """The app's handler for `exc`, found as Starlette's exception middleware finds it."""
    if isinstance(exc, HTTPException) and exc.status_code in handlers:
        return handlers[exc.status_code]
    for kind in type(exc).__mro__:
        if kind in handlers:
            return handlers[kind]
    return None
