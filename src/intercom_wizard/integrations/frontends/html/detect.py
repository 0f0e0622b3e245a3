"""Plain-HTML detection: pages with a `<body>` (static files or server-rendered templates), and the
page host of a site that has no back end (the first folder holding full HTML pages)."""

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from intercom_wizard.integrations.base import Detection, FrontendDetails, PageHost
from intercom_wizard.integrations.frontends.layouts import PAGE_SUFFIXES, find_layouts
from intercom_wizard.tree import ProjectTree

if TYPE_CHECKING:
    from intercom_wizard.integrations.frontends.pug import PugSite

NAME = "html"
SCRIPT_NAME = "intercom-messenger.js"
# "src": sources that a build copies to its output (html5-boilerplate, webpack templates).
STATIC_SITE_FOLDERS = ("", "public", "site", "www", "docs", "src")


@dataclass(frozen=True, kw_only=True)
class HtmlDetails(FrontendDetails):
    """Nothing beyond the base: where the script goes and which layouts get its tag is decided by the
    back end's `PageHost` (or `static_site_host` without one), not by this detection."""


def _pug_site(tree: ProjectTree) -> "PugSite | None":
    """pug.find_pug_site, which finds no site without a .pug file: pug (its patterns and PugSite) is imported
    only for a tree that has one (start-up time, issue 14)."""
    if not tree.glob(".pug"):
        return None
    from intercom_wizard.integrations.frontends import pug

    return pug.find_pug_site(tree)


def detect(tree: ProjectTree) -> list[Detection[HtmlDetails]]:
    """Static pages (outside any back end's templates) or server-rendered templates with a <body>,
    or Pug sources a site's own build renders (its built pages are output, not the site)."""
    site = _pug_site(tree)
    if site is not None:
        return [Detection(NAME, "frontend", "", ("package.json: pug", *site.layouts[:5]), HtmlDetails())]
    # The byte test decides ASCII files without decoding them; any other file goes to the text test.
    pages = [p for p in tree.mentioning(tree.glob(*PAGE_SUFFIXES), (b"</body>",), ignore_case=True) if "</body>" in tree.text(p).lower()]
    if not pages:
        return []
    evidence = tuple(pages[:5]) + ((f"... {len(pages) - 5} more",) if len(pages) > 5 else ())
    return [Detection(NAME, "frontend", "", evidence, HtmlDetails())]


def static_site_host(tree: ProjectTree) -> PageHost | None:
    """For a site with no back end: its Pug sources when its build renders Pug, else the first folder
    holding full HTML pages."""
    site = _pug_site(tree)
    if site is not None:
        from intercom_wizard.integrations.frontends.pug import script_location

        static_dir, script_src = script_location(site, SCRIPT_NAME)
        return PageHost(
            static_dir=static_dir,
            script_src=script_src,
            layouts=site.layouts,
            csp_nonce_help="Pages built once are the same bytes for every visitor, so they cannot carry a per-request nonce.",
            copied_by_build=site.assets_source is not None,
            build_script=site.build_script,
        )
    for folder in STATIC_SITE_FOLDERS:
        pages = [p for p in find_layouts(tree, folder) if PurePosixPath(p).parent.as_posix() in (folder or ".")]
        if pages:
            return PageHost(
                static_dir=folder,
                script_src=SCRIPT_NAME,
                layouts=tuple(pages),
                csp_nonce_help="Static pages are the same bytes for every visitor, so they cannot carry a per-request nonce.",
            )
    return None
