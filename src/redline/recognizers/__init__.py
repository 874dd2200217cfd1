"""Recognisers: each is one class, registered here with one line.

To add a recogniser, write a class that follows `base.Recognizer` and add it to `REGISTRY`.
"""

from __future__ import annotations

from redline.recognizers.base import Recognizer
from redline.recognizers.claims import AccuracyClaimRecognizer, GestationalWeekRecognizer
from redline.recognizers.contacts import (
    EmailRecognizer,
    HandleRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
)
from redline.recognizers.prices import PriceRecognizer
from redline.recognizers.terms import TermRecognizer

REGISTRY: dict[str, type[Recognizer]] = {
    "terms": TermRecognizer,
    "phone": PhoneRecognizer,
    "handle": HandleRecognizer,
    "url": UrlRecognizer,
    "email": EmailRecognizer,
    "price": PriceRecognizer,
    "weeks": GestationalWeekRecognizer,
    "accuracy": AccuracyClaimRecognizer,
}

__all__ = ["REGISTRY", "Recognizer"]
