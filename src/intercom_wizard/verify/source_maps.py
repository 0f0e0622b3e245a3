"""Source maps found in the JavaScript a page delivered, scanned like any other response.

A source map is served to anyone who asks for it, so a secret inlined into the original sources would
leak through it even when the minified bundle hides it.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from intercom_wizard.verify.observe import Delivered, Observations

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

SOURCE_MAP = re.compile(rb"[#@] sourceMappingURL=(\S+)\s*$")


def collect_source_maps(context: BrowserContext, obs: Observations) -> None:
    """Source maps are delivered to anyone who asks: scan them too (external and inline ones)."""
    seen = {item.url for item in obs.responses}
    for item in list(obs.responses):
        if item.from_intercom or not (item.url.split("?")[0].endswith(".js") or "javascript" in item.content_type):
            continue
        match = SOURCE_MAP.search(item.body[-4096:])
        if not match:
            continue
        reference = match.group(1).decode("utf-8", "replace")
        if reference.startswith("data:"):
            _, _, payload = reference.partition(",")
            try:
                decoded = base64.b64decode(payload + "===") if ";base64" in reference.split(",")[0] else payload.encode()
            except ValueError:
                continue
            obs.responses.append(Delivered("source-map", f"{item.url} (inline source map)", 200, "application/json", decoded))
            continue
        map_url = urljoin(item.url, reference)
        if map_url in seen:
            continue
        seen.add(map_url)
        try:
            response = context.request.get(map_url, timeout=15_000, fail_on_status_code=False)
        except Exception:
            continue
        if response.status == 200:
            obs.responses.append(Delivered("source-map", map_url, 200, response.headers.get("content-type", ""), response.body()))
