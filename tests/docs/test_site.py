"""Build the documentation site once and check what a reader gets.

The site is built with ``mkdocs build --strict`` (the same command as ``./run
test``) into a temporary folder; the mermaid copy it serves is fetched first
(``scripts/fetch_docs_assets.py``, which needs npm once).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html
from tests.docs._tools import ROOT, script

from szo_core.cli import main as szo_main

ROLE_RE = re.compile(r":(?:func|class|mod|meth|data|attr|exc):")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assets = script("fetch_docs_assets")
    try:
        assets.fetch()
    except assets.FetchError as exc:
        pytest.fail(str(exc), pytrace=False)
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def _page(site: Path, name: str) -> html.HtmlElement:
    return html.fromstring((site / name / "index.html").read_bytes())


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_sphinx_role_is_left_as_text(site: Path) -> None:
    found = {
        str(page.relative_to(site)): ROLE_RE.findall(
            html.fromstring(page.read_bytes()).text_content()
        )
        for page in _pages(site)
    }
    assert {page: roles for page, roles in found.items() if roles} == {}


def test_a_module_example_renders_as_code_with_its_prompts(site: Path) -> None:
    money = _page(site, "api/money")
    # Highlighted as pycon: the prompts are Pygments' "gp" (generic prompt) tokens.
    blocks = [
        code.text_content()
        for code in money.xpath("//div[contains(@class, 'highlight')]//code")
        if code.xpath("span[@class='gp']")
    ]
    assert any(">>> round_cents(Decimal(\"10.005\"))\nDecimal('10.01')" in b for b in blocks)
    assert not money.xpath("//blockquote")  # the old rendering: nested quotes, prompts lost


def test_roles_became_links(site: Path) -> None:
    money = _page(site, "api/money")
    links = {
        (a.get("href"), a.text_content())
        for a in money.xpath(
            "//div[contains(@class, 'doc-contents')]//a[contains(@class, 'autorefs')]"
        )
    }
    assert ("../errors/#szo_core.errors.InvalidType", "InvalidType") in links
    fees = _page(site, "api/fees")
    hrefs = {a.get("href") for a in fees.xpath("//a[contains(@class, 'autorefs-internal')]")}
    assert "../calendar/#szo_core.calendar.Month" in hrefs


def test_no_script_or_style_from_another_host(site: Path) -> None:
    external = set()
    for page in _pages(site):
        tree = html.fromstring(page.read_bytes())
        for url in tree.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
            if urlsplit(url).netloc or url.startswith("//"):
                external.add((str(page.relative_to(site)), url))
    assert external == set()


def test_mermaid_is_served_with_the_site(site: Path) -> None:
    js = site / "assets" / "javascripts" / "mermaid.min.js"
    assert js.stat().st_size > 1_000_000
    assert b"mermaid" in js.read_bytes()[:20_000]
    page = _page(site, "architecture")
    assert "../assets/javascripts/mermaid.min.js" in page.xpath("//script/@src")
    assert page.xpath("//pre[contains(@class, 'mermaid')]")


def test_every_command_appears_in_the_cli_reference(site: Path) -> None:
    headings = {h.text_content().strip("¶ \n") for h in _page(site, "cli").xpath("//h3")}
    assert szo_main.commands
    for name, command in szo_main.commands.items():
        assert f"szo {name}" in headings, (name, headings)
        for param in command.params:
            if param.param_type_name == "option":
                assert any(opt in _page(site, "cli").text_content() for opt in param.opts)


def test_the_schema_page_lists_every_table_and_column(site: Path) -> None:
    metadata = script("gen_schema").load_metadata()
    page = _page(site, "schema")
    for table in metadata.tables.values():
        section = page.xpath(f"//h2[@id='{table.name}']")
        assert section, table.name
        rows = section[0].xpath("following-sibling::table[1]//tbody/tr/td[1]")
        assert [r.text_content() for r in rows] == [c.name for c in table.columns]


def test_the_glossary_is_in_the_nav(site: Path) -> None:
    page = _page(site, "getting-started")
    nav = page.xpath("//nav[contains(@class, 'md-nav--primary')]//a/@href")
    assert any(href.rstrip("/").endswith("glossary") for href in nav)
