"""Request bodies of the API, validated by pydantic: errors become 422 naming the field."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from redline.store.text import NUL_MESSAGE, holds_nul


def _refuse_nul(value: str | None) -> str | None:
    if value is not None and holds_nul(value):
        raise PydanticCustomError("nul_character", NUL_MESSAGE)
    return value


NulFree = AfterValidator(_refuse_nul)
"""Annotated metadata for any text a request gives that is stored or looked up (a form field,
a query or path parameter, a body field): a NUL in it is a 422 whose `loc` names the field,
checked after the field's other constraints, before the handler runs (`store.text`)."""


def _integer_id_as_text(value: Any) -> Any:
    """Integer ids are read as text, like `scan` does; booleans and floats stay errors."""
    return str(value) if type(value) is int else value


MAX_ID_CHARS = 256
"""The longest post id (the `decisions.id` column's width)."""

PostId = Annotated[
    str,
    BeforeValidator(_integer_id_as_text),
    StringConstraints(min_length=1, max_length=MAX_ID_CHARS),
    NulFree,
]


class PostIn(BaseModel):
    """One post to screen; any other fields (author, platform, time...) are kept as metadata."""

    model_config = ConfigDict(extra="allow", strict=False)

    id: PostId
    text: str = Field(description="The post's text, at most 100,000 characters by default.")


class BatchIn(BaseModel):
    posts: list[PostIn] = Field(description="Up to 1,000 posts by default, answered in order.")


class ClaimIn(BaseModel):
    id: PostId


class DecideIn(BaseModel):
    id: PostId
    action: Literal["confirm", "dismiss", "escalate"]
    note: Annotated[str, StringConstraints(max_length=2000), NulFree] = ""
