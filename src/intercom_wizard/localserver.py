"""Starting an app's own server on 127.0.0.1 and talking to it like a browser would (cookies, forms)."""

import html
import http.cookiejar
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO

# The hidden form fields frameworks check against their session: Django, Rails, Laravel, Flask-WTF.
CSRF_FIELDS = ("csrfmiddlewaretoken", "authenticity_token", "_token", "csrf_token")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(command: list[str], cwd: Path, port: int, env: Mapping[str, str], *, timeout: float = 60) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the block ends; fails with the server's output if it never listens."""
    log = cwd / ".server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not listen on {port}:\n{log.read_text(errors='replace')[-3000:]}") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


@dataclass
class Reply:
    status: int
    headers: Message  # case-insensitive, as HTTP header names are
    body: str
    url: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand redirects back as answers: a login redirect must be seen, not followed."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Message, newurl: str
    ) -> urllib.request.Request | None:
        return None


class BrowserlessClient:
    """A cookie-keeping HTTP client: enough to sign in through a real login form."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self._no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(
        self,
        path: str,
        data: Mapping[str, str] | None = None,
        *,
        follow: bool = True,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        method: str | None = None,
    ) -> Reply:
        """GET, or POST a form (`data`) or raw `body`; `follow=False` returns redirects as they are."""
        payload = urllib.parse.urlencode(data).encode() if data is not None else body
        request = urllib.request.Request(self.base_url + path, data=payload, headers=dict(headers or {}), method=method)
        opener = self._opener if follow else self._no_redirect
        try:
            with opener.open(request, timeout=30) as response:
                return Reply(response.status, response.headers, response.read().decode("utf-8", "replace"), response.url)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read().decode("utf-8", "replace"), error.url)

    def get(self, path: str, *, follow: bool = True, headers: Mapping[str, str] | None = None) -> Reply:
        return self.request(path, follow=follow, headers=headers)

    def post_form(self, path: str, fields: Mapping[str, str], *, csrf_from: str | None = None, headers: Mapping[str, str] | None = None) -> Reply:
        """POST a form; with `csrf_from`, first copy the CSRF token field from the form on that page."""
        fields = dict(fields)
        extra = dict(headers or {})
        if csrf_from is not None:
            page = self.get(csrf_from)
            for name in CSRF_FIELDS:
                match = re.search(rf'name="{name}" value="([^"]+)"', page.body)
                if match:
                    fields[name] = html.unescape(match.group(1))
            extra.setdefault("Referer", self.base_url + csrf_from)
        return self.request(path, fields, headers=extra)
