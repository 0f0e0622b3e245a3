"""One HTTP exchange at a time, as a browser's fetch would see it: no redirects followed, every header kept."""

import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message

from intercom_wizard.localserver import NoRedirect

JSON = {"Accept": "application/json"}  # what the generated front end asks for


class Unreachable(Exception):
    """No HTTP answer at all (refused, DNS, timeout, TLS)."""


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: Mapping[str, str]  # lower-cased names; repeated headers joined with ", "
    body: str
    at: float  # local Unix time halfway through the exchange, to compare with the server's Date

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


_OPENER = urllib.request.build_opener(NoRedirect)


def send(method: str, url: str, headers: Mapping[str, str], *, timeout: float = 10.0) -> HttpReply:
    request = urllib.request.Request(url, method=method, headers=dict(headers))
    started = time.time()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read(1_000_000)
            status, message = response.status, response.headers
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx: still an answer
        body = error.read(1_000_000) if error.fp is not None else b""
        status, message = error.code, error.headers
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise Unreachable(str(reason)) from None
    finished = time.time()
    return HttpReply(status, _lowered(message), body.decode("utf-8", "replace"), (started + finished) / 2)


def _lowered(message: Message) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in message.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers
