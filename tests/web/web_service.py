"""Helpers for the review-service tests: an app with a token and a user per role."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from redline.pipeline import Pipeline
from redline.store import accounts
from redline.web.app import create_app
from redline.web.config import Limits, WebConfig

PASSWORD = "correct horse battery"
FLAGGED_TEXTS = {
    "ad-1": "香港验血查男女，加V预约 hkbaby_2026",
    "ad-2": "验血查性别 准确率99% 加微信 abc123 2000元",
    "ad-3": "孕7周抽血寄香港 包邮 加V: baby88",
}
"""Posts every pipeline flags (violating or review), even one without a scorer."""


@dataclass
class Service:
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]  # role -> secret

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def make_service(db_url: str, pipeline: Pipeline, limits: Limits | None = None) -> Service:
    config = WebConfig(limits=limits or Limits(), secure_cookies=False)
    app = create_app(db_url, pipeline, config=config)
    tokens = {}
    with app.state.services.transaction() as connection:
        for role in accounts.TOKEN_ROLES:
            tokens[role] = accounts.create_token(connection, f"{role}-token", role)[1]
        for role in accounts.USER_ROLES:
            accounts.add_user(connection, role, role, PASSWORD)
    return Service(app, TestClient(app), tokens)


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)
