"""Pug as a page engine, for every integration that serves Pug pages: a static site whose pages are Pug
sources its own build script renders into dist/, and Express with `app.set('view engine', 'pug')`.

Pug has no closing tags: an element's children are the lines indented below it, and the first line
indented no deeper ends it (text blocks such as `script.` included). So the Messenger's tag is one
line, `script(src='...', defer)`, added after the last line inside `body`, indented like the body's
own children (the file's spaces or tabs and width). The layouts are the Pug files that make the
document (a `body` element) without `extends`-ing another: pages that extend a layout get it from there.
"""

import json
import posixpath
import re
from dataclasses import dataclass

from intercom_wizard.edits import indent_unit
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.tree import ProjectTree, folder_of, join

SUFFIX = ".pug"


def _element(name: str) -> re.Pattern[str]:
    """`body`, `body#page-top`, `body.home(class=...)`: the element, not `bodyText` or text mentioning it."""
    return re.compile(rf"^([ \t]*){name}(?=$|[#.(\s&])", re.M)


_BODY = _element("body")
_HEAD = _element("head")
_EXTENDS = re.compile(r"^extends?\s", re.M)  # Pug 1 spelled it `extend`; both are accepted by Pug 2 and 3
# Output folders a build writes (never edited: the next build overwrites them).
_OUTPUT_FOLDERS = ("dist", "build", "public", "_site", "out", "node_modules")
_NODE_SCRIPT = re.compile(r"\bnode\s+([\w./-]+\.[cm]?js)\b")
_COPY_CALL = re.compile(r"\b(?:cp|cpSync|copy|copySync|copyFile|copyFileSync)\s*\(")
_SOURCE_FOLDER = re.compile(r"""['"`](?:\.\./|\./)?(src/[\w./-]*?)/?['"`]""")


def find_layouts(tree: ProjectTree, folder: str) -> list[str]:
    """The Pug files under `folder` that make a whole document (a `body` element) without extending another."""
    layouts = []
    for path in tree.glob(SUFFIX, under=folder):
        text = tree.text(path)
        if _BODY.search(text) and not _EXTENDS.search(text):
            layouts.append(path)
    return layouts


def script_tag(src: str, *, nonce: str | None = None, attributes: str = "") -> str:
    """The Messenger's tag in Pug: `defer` is a boolean attribute (rendered `defer` under `doctype html`);
    `nonce` is the template variable holding the request's CSP nonce (a Pug attribute value is an
    expression); `attributes` are HTML-style extras (` data-turbo-track="reload"`), valid Pug as written."""
    extra = (f", nonce={nonce}" if nonce else "") + "".join(f", {a}" for a in attributes.split())
    return f"script(src='{src}'{extra}, defer)"


def text_blocks(html: str, unit: str) -> str:
    """HTML `<script>...</script>` blocks as Pug `script.` text blocks (their JS one `unit` deeper)."""
    lines: list[str] = []
    for line in html.splitlines():
        stripped = line.strip()
        if stripped == "<script>":
            lines.append("script.")
        elif stripped and stripped != "</script>":
            lines.append(unit + line)
    return "\n".join(lines)


def script_tag_insertion(source: SourceText, tag: str, *, in_head: bool = False) -> Insertion | None:
    """The tag's line(s) after the last line inside the `body` (or `head`) element, at its children's indentation;
    None when the file has no such element of its own (a fragment, or `body: ...` on one line)."""
    text = source.text
    match = (_HEAD if in_head else _BODY).search(text)
    if match is None or text[match.end() :].split("\n", 1)[0].rstrip().endswith((":", ".")):
        return None  # block expansion (`body: main`) or a text block: no child lines to follow
    body_indent = match.group(1)
    line_end = text.find("\n", match.start())
    if line_end == -1:  # `body` is the file's last line, without a newline
        child = body_indent + indent_unit(text)
        return Insertion(len(text), source.native("\n" + "".join(child + line + "\n" for line in tag.splitlines())))
    position, child_indent = line_end + 1, None
    insert_at = position
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end == -1 else end + 1
        line = text[position:end]
        if line.strip():
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if len(indent) <= len(body_indent):
                break  # the body element ends here
            child_indent = child_indent if child_indent is not None else indent
            insert_at = end
        position = end
    if child_indent is None:
        child_indent = body_indent + indent_unit(text)
    lead = "" if insert_at == 0 or text[insert_at - 1] == "\n" else "\n"
    return Insertion(insert_at, source.native(lead + "".join(child_indent + line + "\n" for line in tag.splitlines())))


@dataclass(frozen=True)
class PugSite:
    """A static site whose pages are Pug sources its own build script renders (not its output folder)."""

    layouts: tuple[str, ...]
    build_script: str  # the file that renders or copies the site: where a manual step points
    assets_source: str | None  # the folder the build copies into its output, e.g. src/assets
    assets_url: str | None  # how the built pages reach that folder, e.g. assets


def find_pug_site(tree: ProjectTree) -> PugSite | None:
    """The root package depends on `pug` and its Pug sources make whole pages outside the build's output."""
    if not tree.exists("package.json"):
        return None
    try:
        manifest = json.loads(tree.text("package.json"))
    except ValueError:
        return None
    if not isinstance(manifest, dict):
        return None
    dependencies = {**(manifest.get("dependencies") or {}), **(manifest.get("devDependencies") or {})}
    if "pug" not in dependencies:
        return None
    layouts = [p for p in find_layouts(tree, "") if p.split("/", 1)[0] not in _OUTPUT_FOLDERS]
    if not layouts:
        return None
    scripts = _build_scripts(tree, manifest)
    source, url = _copied_by_command(tree, manifest)
    if source is None:
        source, url = _copied_assets(tree, scripts)
    return PugSite(tuple(layouts), scripts[0] if scripts else "package.json", source, url)


def _build_scripts(tree: ProjectTree, manifest: dict[str, object]) -> list[str]:
    """The node scripts package.json runs, and the modules beside them that they require."""
    commands = manifest.get("scripts")
    named = [m.group(1) for c in (commands.values() if isinstance(commands, dict) else []) if isinstance(c, str) for m in _NODE_SCRIPT.finditer(c)]
    found = [posixpath.normpath(p) for p in named if tree.exists(posixpath.normpath(p))]
    beside = [p for folder in dict.fromkeys(folder_of(p) for p in found) for p in tree.glob(".js", ".cjs", ".mjs", under=folder) if folder]
    return list(dict.fromkeys(found + beside))


# `cp -R src/assets dist`, `cpx "src/static/**" dist/static`, `copyfiles -u 1 "src/img/**" dist`.
_COPY_COMMAND = re.compile(r"""(?:^|[;&|]\s*)(?:cp|cpx|cpy|ncp|copyfiles|shx\s+cp)\b[^;&|]*?['"]?(?:\./)?(src/[\w.-]+)""")


def _copied_by_command(tree: ProjectTree, manifest: dict[str, object]) -> tuple[str | None, str | None]:
    """A folder an npm script copies with a copy command (no build script of its own)."""
    commands = manifest.get("scripts")
    for command in commands.values() if isinstance(commands, dict) else []:
        for match in _COPY_COMMAND.finditer(command if isinstance(command, str) else ""):
            folder = match.group(1)
            if tree.resolve(folder).is_dir():
                return folder, posixpath.basename(folder)
    return None, None


def _copied_assets(tree: ProjectTree, scripts: list[str]) -> tuple[str | None, str | None]:
    """The source folder a build script copies into its output (`sh.cp('-R', '../src/assets', '../dist/.')`,
    `fs.cpSync('src/assets', 'dist/assets', ...)`): the folder copied keeps its name there."""
    for script in scripts:
        text = tree.text(script)
        if not _COPY_CALL.search(text):
            continue
        for match in _SOURCE_FOLDER.finditer(text):
            folder = match.group(1)
            if tree.resolve(folder).is_dir() and folder.count("/") >= 1:
                return folder, posixpath.basename(folder)
    return None, None


def script_location(site: PugSite, script_name: str) -> tuple[str, str]:
    """Where the Messenger script is written and the URL the pages use for it."""
    if site.assets_source is not None and site.assets_url is not None:
        return site.assets_source, join(site.assets_url, script_name)
    return folder_of(site.layouts[0]), script_name
