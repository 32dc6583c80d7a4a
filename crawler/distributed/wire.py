"""Requests as data in Redis: JSON (url, callback names, plain meta and cb_kwargs; a Profile by name, an
Article by its fields), never pickles: `crawler.distributed`."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request

from crawler.items import Article
from crawler.profiles import Profile

if TYPE_CHECKING:
    from scrapy import Spider


logger = logging.getLogger(__name__)


def encode_request(request: Request, spider: Spider) -> str:
    """`request` as JSON: what `decode_request` needs to make it again. Meta values that are not plain JSON
    are left out (Scrapy's own are plain); a `cb_kwargs` value must be plain JSON, a `Profile` or an
    `Article`, else ValueError (a request that another process could not run must not be queued)."""
    meta = {key: value for key, value in request.meta.items() if _is_plain(value)}
    data = {
        "url": request.url,
        "method": request.method,
        "callback": _method_name(request.callback, spider),
        "errback": _method_name(request.errback, spider),
        "priority": request.priority,
        "dont_filter": request.dont_filter,
        "flags": list(request.flags),
        "meta": meta,
        "cb_kwargs": {name: _encode_value(value) for name, value in request.cb_kwargs.items()},
    }
    if request.body:
        data["body"] = request.body.decode("latin-1")
    if request.headers:
        data["headers"] = {
            key.decode("latin-1"): [v.decode("latin-1") for v in values] for key, values in request.headers.items()
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_request(text: str | bytes, spider: Spider) -> Request:
    """The request `encode_request` wrote, its callbacks the spider's methods of those names."""
    data = json.loads(text)
    callback = getattr(spider, data["callback"]) if data.get("callback") else None
    errback = getattr(spider, data["errback"]) if data.get("errback") else None
    return Request(
        data["url"],
        method=data.get("method", "GET"),
        callback=callback,
        errback=errback,
        priority=data.get("priority", 0),
        dont_filter=data.get("dont_filter", False),
        flags=data.get("flags"),
        meta=data.get("meta"),
        body=data.get("body", "").encode("latin-1"),
        headers=data.get("headers"),
        cb_kwargs={name: _decode_value(value, spider) for name, value in data.get("cb_kwargs", {}).items()},
    )


def _method_name(function: Any, spider: Spider) -> str | None:
    if function is None:
        return None
    name = getattr(function, "__name__", "")
    if getattr(spider, name, None) != function:
        raise ValueError(f"a request's callback must be a method of the spider, not {function!r}")
    return str(name)


def _is_plain(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _encode_value(value: Any) -> Any:
    if isinstance(value, Profile):
        return {"$profile": value.name}
    if isinstance(value, Article):
        fields = dataclasses.asdict(value)
        return {"$article": {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}}
    if not _is_plain(value):
        raise ValueError(f"a cb_kwargs value that cannot travel through Redis: {value!r}")
    return value


def _decode_value(value: Any, spider: Spider) -> Any:
    if isinstance(value, dict) and "$profile" in value:
        return next(p for p in getattr(spider, "profiles", ()) if p.name == value["$profile"])
    if isinstance(value, dict) and "$article" in value:
        fields = value["$article"]
        for field in dataclasses.fields(Article):
            if "datetime" in str(field.type) and fields.get(field.name):
                fields[field.name] = datetime.fromisoformat(fields[field.name])
        return Article(**fields)
    return value


# --- the scheduler -------------------------------------------------------------------------------------
