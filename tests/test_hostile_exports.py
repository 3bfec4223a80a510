"""Hostile content against the exports and figures, second round: every file an
export takes in is one the site publishes (reached through one normaliser), URLs
are checked as browsers read them, figures are placed after the Markdown pass
and sanitised like all author text, Graphviz and matplotlib get only what they
can draw, and each costs bounded time. Errors are ``file:line: message`` with no
traceback; content that must build is inert.

Most checks call the generator in process (fast); two builds run end to end.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import markdown as markdown_lib
import pytest
import yaml
from playwright.sync_api import Browser
from pypdf import PdfReader

from generator import drawing, figures, pdf, scorm, site_files
from generator.errors import ContentError, SourceError
from generator.models.figure import MAX_ITEMS, MAX_LABEL
from generator.sources import MAX_NUMBER_LENGTH
from generator.text import markdown
from tests.conftest import ROOT, copy_course, run_build
from tests.helpers import build_fails, load_cleanly

SECRET = "EXPORT_SECRET_7731"
"""Written into a file beside the project: it must reach no output and no message."""


def _chapter_ids(project: Path) -> dict[str, str]:
    return {p.stem: p.stem for p in (project / "docs/chapters").glob("ch*.md")}


def _load_figures(project: Path) -> figures.FigureSet:
    return figures.load_figures(
        project / "figures", project / "docs/chapters", _chapter_ids(project), project
    )


def _figure_errors(project: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        _load_figures(project)
    return [str(error) for error in caught.value.errors]


def _line(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


# 1. One way a file enters an export


def _published(site: dict[str, bytes]) -> dict[str, site_files.SiteFile]:
    return {path: site_files.SiteFile(lambda data=data: data) for path, data in site.items()}


@pytest.mark.parametrize(
    "url",
    [
        "../../../../../../etc/passwd",
        "/proc/self/environ",
        "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
        "..\\..\\..\\..\\etc\\hostname",
        "../assets/../../../outside.txt",
        "file:///etc/passwd",
        "\\\\evil.example/x.png",
        "../images/missing.png",
    ],
)
def test_scorm_refuses_a_file_the_site_does_not_publish(url: str) -> None:
    """Whatever the spelling, a URL that leads to no published file is a
    ``file:line`` error at the line that wrote it; nothing is read."""
    text = f'title: 测验\nchapter: ch01\nquestions:\n  - prompt: 看图 <img src="{url}">\n'
    page = scorm.PageSource(f'<p>看图 <img src="{url}"></p>', "quizzes/ch01.yml", text)
    collector = scorm._Collector(_published({"quizzes/ch01.html": b"", "assets/x.png": b"x"}))
    html = collector.article("quizzes/ch01.html", page)
    assert collector.wanted == set()
    assert len(collector.errors) == 1
    assert str(collector.errors[0]).startswith("quizzes/ch01.yml:4: SCORM package: "), url
    assert "src=" not in html, "the refused URL does not stay in the SCO page either"


def test_scorm_takes_a_published_file_however_the_url_is_spelt() -> None:
    published = _published({"assets/x.png": b"png", "chapters/ch01.html": b""})
    collector = scorm._Collector(published)
    spellings = ["../assets/x.png", "../assets/./x.png", "..\\assets\\x.png", "%2E%2E/assets/x.png"]
    html = "".join(f'<img src="{url}">' for url in spellings)
    page = scorm.PageSource(html, "docs/chapters/ch01.md", html)
    out = collector.article("chapters/ch01.html", page)
    assert collector.errors == [] and collector.wanted == {"assets/x.png"}
    assert out.count('src="../assets/x.png"') == len(spellings)


def test_scorm_refuses_a_docs_link_to_a_file_outside(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "secret.png").write_text(SECRET)
    (docs / "x.png").symlink_to(tmp_path / "secret.png")
    file = site_files.SiteFile(lambda: (docs / "x.png").read_bytes(), docs / "x.png", docs)
    with pytest.raises(site_files.Refused, match="outside the site's folders"):
        site_files.site_path("chapters", "../x.png", {"x.png": file})


@pytest.mark.parametrize(
    "style", ["background: url(/etc/passwd)", "background:url( '../../../../etc/hostname' )"]
)
def test_scorm_checks_urls_in_inline_styles(style: str) -> None:
    """A chapter's raw HTML may carry ``style``: its ``url()`` enters like any load."""
    text = f'# 第1章\n\n<div style="{style}">块</div>\n'
    page = scorm.PageSource(f'<div style="{style}">块</div>', "docs/chapters/ch01.md", text)
    collector = scorm._Collector(_published({"chapters/ch01.html": b""}))
    collector.article("chapters/ch01.html", page)
    assert collector.wanted == set()
    [error] = [str(e) for e in collector.errors]
    assert error.startswith("docs/chapters/ch01.md:3: SCORM package: "), error
    kept = scorm.PageSource('<p style="background:url(../a.png)">块</p>', page.path, text)
    collector = scorm._Collector(_published({"a.png": b"png"}))
    assert "url('../a.png')" in collector.article("chapters/ch01.html", kept)
    assert collector.errors == [] and collector.wanted == {"a.png"}


def test_a_malformed_manifest_fails_the_build() -> None:
    package = scorm.Package(scos=[scorm.Sco("ch01", "第1章\x01", None, "<html></html>")])
    with pytest.raises(ContentError, match=r"imsmanifest\.xml"):
        list(scorm.entries(package, "课程"))


def test_scorm_zip_entry_names_stay_inside_the_package() -> None:
    for name in ("/tmp/x", "../../x", "a/../../x", "a//b", "..\\x", "./x"):
        package = scorm.Package(assets={name: b""})
        with pytest.raises(ValueError, match="not a normalised relative path"):
            list(scorm.entries(package, "课程"))


def test_every_scorm_entry_is_a_file_the_site_publishes(site: Path) -> None:
    archive = zipfile.ZipFile(site / scorm.PACKAGE_PATH)
    made_here = {"imsmanifest.xml", scorm.SCORM_SCRIPT}
    for info in archive.infolist():
        name = info.filename
        assert not name.startswith("/") and ".." not in name.split("/"), name
        assert os.path.normpath(name) == name and "\\" not in name, name
        if name in made_here or re.fullmatch(
            rf"{scorm.SCO_DIR}/(ch\d+|exam-[a-z0-9-]+)\.html", name
        ):
            continue
        published = site / name
        assert published.is_file() and not published.is_symlink(), name
        assert archive.read(name) == published.read_bytes(), name


def _with_secret(project: Path) -> Path:
    secret = project.parent / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


@pytest.mark.slow  # renders PDFs or builds: left out of make test-fast
def test_build_refuses_images_that_leave_the_site(project: Path) -> None:
    """End to end: a quiz prompt and a chapter name files outside the site; the
    build names both lines, reads neither file and keeps the previous site."""
    secret = _with_secret(project)
    depth = "../" * len(secret.parent.parts)
    quiz = project / "quizzes/ch02.yml"
    data = yaml.safe_load(quiz.read_text(encoding="utf-8"))
    data["questions"][0]["prompt"] += f" ![图]({depth}{secret.as_posix().lstrip('/')})"
    quiz.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    quiz_line = next(
        number
        for number, line in enumerate(quiz.read_text(encoding="utf-8").splitlines(), 1)
        if "secret.txt" in line
    )
    chapter = project / "docs/chapters/ch04.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + '\n<img src="../../../../../../../../proc/self/environ">\n')
    output = build_fails(project, before_writing=False)
    assert f"quizzes/ch02.yml:{quiz_line}: SCORM package: " in output, output
    chapter_line = len(text.splitlines()) + 2
    assert f"docs/chapters/ch04.md:{chapter_line}: SCORM package: " in output, output
    assert SECRET not in output
    assert not (project / "site" / scorm.PACKAGE_PATH).exists()


@pytest.mark.slow  # renders PDFs or builds: left out of make test-fast
def test_build_refuses_case_and_form_images_that_leave_the_site(project: Path) -> None:
    """Cases and forms reach no SCORM page, but their PDFs show the same text: an
    image there that is no file of the site is an error at its line, before any
    PDF renders; the file is never read."""
    secret = _with_secret(project)
    depth = "../" * len(secret.parent.parts)
    case = project / "cases/price-objection.yml"
    text = case.read_text(encoding="utf-8")
    text = text.replace("background: |\n", f"background: |\n  ![图]({depth}{secret.name})\n", 1)
    case.write_text(text, encoding="utf-8")
    form = project / "forms/complaint.yml"
    form_text = form.read_text(encoding="utf-8")
    form.write_text(form_text.replace("purpose: ", "purpose: 见图 ![图](missing.png) ", 1))
    output = build_fails(project, before_writing=False)
    assert "cases/price-objection.yml:8: '" in output, output
    assert "is no file the site publishes" in output or "leads out of the site" in output
    assert "forms/complaint.yml:8: 'missing.png' is no file the site publishes" in output, output
    assert SECRET not in output


# 2. URLs as browsers read them


HOSTILE_URLS = {
    "backslash host image": "![x](\\\\evil.example/x.png)",
    "slash-backslash image": "![x](/\\evil.example/x.png)",
    "raw backslash image": '<img src="\\\\evil.example/x.png">',
    "raw slash-backslash image": '<img src="/\\evil.example/x.png">',
    "image with leading space": '<img src=" //evil.example/x.png">',
    "image with newline in scheme": '<img src="ht\ntps://evil.example/x.png">',
    "image from server root": '<img src="/etc/passwd">',
    "tab in javascript": '<a href="java\tscript:alert(1)">x</a>',
    "newline in javascript": '<a href="javas\ncript:alert(1)">x</a>',
    "mixed case javascript": '<a href=" JaVaScRiPt:alert(1)">x</a>',
    "control char before javascript": '<a href="\x0bjavascript:alert(1)">x</a>',
    "backslash host link": '<a href="\\\\evil.example/x">x</a>',
    "slash-backslash link": '<a href="/\\evil.example/x">x</a>',
    "entity scheme": '<a href="&#106;avascript:alert(1)">x</a>',
}


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, value or "") for name, value in attrs if name in {"href", "src"}]


def _as_browser_reads(url: str) -> tuple[str, str]:
    """(scheme, host) of ``url`` read the WHATWG way, independently of generator.text."""
    url = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(33))))).replace("\\", "/")
    parts = urlsplit(url)
    host = parts.netloc or ("//" if url.startswith("//") else "")
    return parts.scheme.lower(), host


@pytest.mark.parametrize("text", HOSTILE_URLS.values(), ids=HOSTILE_URLS.keys())
def test_urls_are_checked_as_browsers_read_them(text: str) -> None:
    parser = _Urls()
    parser.feed(str(markdown(text)))
    for tag, url in parser.found:
        scheme, host = _as_browser_reads(url)
        assert scheme in {"", "http", "https", "mailto"}, url
        assert not (host and not scheme), f"{url!r} leads to another host"
        if tag == "img":
            assert not scheme and not host and not url.startswith("/"), url


def test_local_links_and_images_are_kept() -> None:
    html = str(
        markdown(
            "![图](../assets/x.png) [第 2 章](../chapters/ch02.md#a) [官网](https://example.com)"
        )
    )
    assert 'src="../assets/x.png"' in html
    assert 'href="../chapters/ch02.md#a"' in html and 'href="https://example.com"' in html


@pytest.mark.parametrize(
    "suffix",
    ["../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "styles/../../README.md", "nothing.css"],
)
def test_pdf_fetcher_compares_normalised_paths(suffix: str) -> None:
    package = Path(pdf.__file__).parent
    url = f"file://{package}/{suffix}"
    assert pdf.packaged_file(url) is None
    with pytest.raises(ValueError, match="refusing to fetch"):
        pdf._local_fetcher().fetch(url)
    assert pdf.packaged_file(f"file://{package}/styles/print.css") == package / "styles/print.css"
    assert pdf.packaged_file(f"file://evil.example{package}/styles/print.css") is None


def test_a_pdf_never_holds_a_file_from_outside_the_package(tmp_path: Path) -> None:
    """The drawing is detectable (its text reaches the PDF from a ``data:`` URL); from
    a file outside the package, however the URL walks there, the render is an error
    naming the PDF and the URL (WeasyPrint by itself would only log it)."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='40'>"
        f"<text x='0' y='20' font-family='DejaVu Sans'>{SECRET}</text></svg>"
    )
    outside = tmp_path / "secret.svg"
    outside.write_text(svg, encoding="utf-8")
    package = Path(pdf.__file__).parent
    walk = "/".join([".."] * len(package.parts))
    urls = [
        f"file://{package}/{walk}{outside}",
        f"file://{package}/{walk.replace('..', '%2e%2e')}{outside}",
        f"{walk}{outside}",
        outside.as_uri(),
        "file:///proc/self/environ",
    ]

    def job(src: str) -> pdf.PdfJob:
        html = f'<html><body><p>图</p><img src="{src}"></body></html>'
        return pdf.PdfJob("trainer/quizzes/ch01-key.pdf", html, forms=False)

    data = pdf.render_pdf(job("data:image/svg+xml," + quote(svg)))
    assert SECRET in "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for url in urls:
        with pytest.raises(ContentError) as caught:
            pdf.render_pdf(job(url))
        [error] = [str(e) for e in caught.value.errors]
        assert error.startswith(
            "trainer/quizzes/ch01-key.pdf:1: trainer/quizzes/ch01-key.pdf would"
        )
        assert pdf.REFUSED in error


def test_pdf_images_come_from_the_site_or_fail_at_their_line() -> None:
    """Print HTML's images are the site's files, resolved from the learner page's
    folder (also for a trainer PDF) and inlined; any other is an error at its line."""
    published = _published({"figures/a.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})
    origin = SourceError("quizzes/ch01.yml", 1, "")
    text = "title: 测验\nintro: |\n  见图\n  ![图](../figures/a.svg) ![坏](../../../etc/passwd)\n"

    def job(src: str) -> pdf.PdfJob:
        html = f'<p>图</p><img alt="图" src="{src}">'
        return pdf.PdfJob(
            "trainer/quizzes/ch01-answers.pdf", html, origin=origin, base_dir="quizzes"
        )

    [done] = pdf.with_site_images([job("../figures/a.svg")], published, {origin.path: text})
    assert 'src="data:image/svg+xml;base64,' in done.html
    for bad in ["../../../etc/passwd", "../figures/missing.svg", "/img/a.svg", "\\\\h/a.svg"]:
        with pytest.raises(ContentError) as caught:
            pdf.with_site_images([job(bad)], published, {origin.path: text})
        [error] = [str(e) for e in caught.value.errors]
        line = 4 if bad == "../../../etc/passwd" else 1
        assert error.startswith(f"quizzes/ch01.yml:{line}: '"), error


# 3. Figures placed where Markdown cannot re-read them; Graphviz and matplotlib


HOSTILE_TITLE = "[点我](javascript:alert(1)) onload=alert(2)"
HOSTILE_ALT = 'x" onerror="alert(3)" data-x="![y](javascript:alert(4))'


def _figure_in_admonition(project: Path) -> None:
    """The funnel figure indented into an admonition, its title and alt text hostile."""
    source = project / "figures/sales-funnel.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["title"], data["alt"] = HOSTILE_TITLE, HOSTILE_ALT
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    chapter = project / "docs/chapters/ch03.md"
    text = chapter.read_text(encoding="utf-8")
    line = "![销售漏斗里的四类客户](../figures/sales-funnel.svg)"
    placed = "![](../figures/sales-funnel.svg)"
    admonition = f'!!! note "漏斗"\n\n    - 列表里：\n\n        {placed}\n'
    chapter.write_text(text.replace(line, admonition))


@pytest.fixture(scope="module")
def admonition_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_course(tmp_path_factory.mktemp("admonition"))
    _figure_in_admonition(project)
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_figure_in_an_admonition_is_inert(admonition_site: Path) -> None:
    page = (admonition_site / "chapters/ch03.html").read_text(encoding="utf-8")
    assert page.count('<figure class="course-figure"') == 2
    admonition = page[page.index('<p class="admonition-title">漏斗</p>') :]
    assert admonition.index('<figure class="course-figure"') < admonition.index("</div>")
    parser = _Urls()
    parser.feed(page)
    schemes = {_as_browser_reads(url)[0] for _, url in parser.found}
    assert schemes <= {"", "http", "https", "mailto", "data"}, schemes
    attributes = _Attributes()
    attributes.feed(page)
    assert not [name for name in attributes.names if name.startswith("on")]
    assert "图 3-2 [点我](javascript:alert(1)) onload=alert(2)</figcaption>" in page
    assert 'alt="x&#34; onerror=&#34;alert(3)&#34; data-x=&#34;![y](javascript:alert(4))"' in page
    for svg in (admonition_site / "figures").glob("*.svg"):
        drawing.well_formed(svg.read_text(encoding="utf-8"))
    sco = zipfile.ZipFile(admonition_site / scorm.PACKAGE_PATH).read("sco/ch03.html").decode()
    attributes = _Attributes()
    attributes.feed(sco)
    assert "javascript" not in " ".join(attributes.values).replace(HOSTILE_ALT, "")
    assert not [name for name in attributes.names if name.startswith("on")]


def test_figure_in_an_admonition_runs_no_script(
    admonition_site: Path,
    browser: Browser,
) -> None:
    assert load_cleanly(browser, (admonition_site / "chapters/ch03.html").as_uri()) == []


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names += [name for name, _ in attrs]
        self.values += [value or "" for _, value in attrs]


def test_expand_leaves_figure_lines_in_code_fences_alone(project: Path) -> None:
    chapter = project / "docs/chapters/ch03.md"
    line = "![销售漏斗里的四类客户](../figures/sales-funnel.svg)"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n```markdown\n{line}\n```\n")
    found = _load_figures(project)
    expanded = figures.expand(chapter.read_text(encoding="utf-8"), "ch03", found)
    assert expanded.count(line) == 1, "the line in the fence stays as written"
    assert expanded.endswith(f"```markdown\n{line}\n```\n")


@pytest.mark.parametrize(
    "around",
    ["<!--\n{line}\n-->", '<div title="\n{line}\n">x</div>', "<p data-x='a\n{line}\n'>x</p>"],
)
def test_a_figure_hidden_in_raw_html_is_an_error(project: Path, around: str) -> None:
    """Markdown leaves raw HTML alone; a figure put there would land in a comment or
    an attribute, so the line is named instead."""
    chapter = project / "docs/chapters/ch03.md"
    line = "![销售漏斗里的四类客户](../figures/sales-funnel.svg)"
    text = chapter.read_text(encoding="utf-8")
    at = _line(chapter, line)
    chapter.write_text(text.replace(line, around.format(line=line)), encoding="utf-8")
    found = _load_figures(project)
    converted = mkdocs_markdown(figures.expand(chapter.read_text(encoding="utf-8"), "ch03", found))
    svgs = {name: "<svg/>" for name in found.items}
    with pytest.raises(ContentError) as caught:
        figures.insert(converted, "ch03", found, svgs)
    assert [str(e) for e in caught.value.errors] == [
        f"docs/chapters/ch03.md:{at + 1}: the figure must stand in running text, "
        "not inside raw HTML or a comment"
    ]


def mkdocs_markdown(text: str) -> str:
    """``text`` converted with the site's own Markdown extensions (from mkdocs.yml)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nextra")[0])
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, settings = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        if name in {"generator.cjk_abbr", "pymdownx.snippets"}:
            continue
        names.append(name)
        options[name] = settings or {}
    return markdown_lib.markdown(text, extensions=names, extension_configs=options)


def test_a_second_placement_names_the_first_of_the_same_figure(project: Path) -> None:
    chapter = project / "docs/chapters/ch03.md"
    line = "![销售漏斗里的四类客户](../figures/sales-funnel.svg)"
    first = _line(chapter, line)
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{line}\n")
    again = len(chapter.read_text(encoding="utf-8").splitlines())
    errors = _figure_errors(project)
    expected = f"docs/chapters/ch03.md:{again}: figure 'sales-funnel' is already placed at "
    assert f"{expected}docs/chapters/ch03.md:{first}" in errors, errors


GRAPHVIZ_ESCAPES = ["\\N", "\\G", "\\E", "\\T", "\\H", "\\L", "\\l", "\\r", "\\n", "\\\\"]


@pytest.mark.parametrize("figure_id", ["revisit-steps", "pdca-cycle", "voc-ctq-matrix"])
def test_graphviz_escapes_are_drawn_as_text(figure_id: str, project: Path) -> None:
    label = "甲" + "乙".join(GRAPHVIZ_ESCAPES) + "丙"
    item = _load_figures(project).items[figure_id]
    data = item.model.model_dump()
    key = {"revisit-steps": "steps", "pdca-cycle": "stages", "voc-ctq-matrix": "rows"}[figure_id]
    data[key][0]["label"] = label
    svg = drawing.draw(type(item.model).model_validate(data), figures._render_dot)
    texts = ["".join(t.itertext()) for t in drawing.ElementTree.fromstring(svg).iter()]
    assert label in "".join(texts).replace("\n", ""), texts


def _write_figure(project: Path, name: str, body: str) -> Path:
    path = project / "figures" / f"{name}.yml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "replace", "expected"),
    [
        ("contact-intervals", ("  - days: 365\n", "  - days: .inf\n"), "finite number"),
        ("contact-intervals", ("  - days: 365\n", "  - days: .nan\n"), "finite number"),
        ("contact-intervals", ("  - days: 365\n", "  - days: 1e999\n"), "finite number"),
        ("contact-intervals", ("  - days: 1\n", "  - days: 0.3\n"), "greater than or equal to 1"),
        (
            "sowing-harvest",
            ("    value: 100\n", f"    value: {'9' * 5000}\n"),
            f"more than {MAX_NUMBER_LENGTH} characters",
        ),
        ("sowing-harvest", ("    value: 50\n", "    value: 0\n"), "only the last stage may be 0"),
        ("sowing-harvest", ("  rate_percent: 5\n", "  rate_percent: .nan\n"), "finite number"),
    ],
)
def test_bad_figure_values_are_named_by_line(
    project: Path, name: str, replace: tuple[str, str], expected: str
) -> None:
    path = project / "figures" / f"{name}.yml"
    text = path.read_text(encoding="utf-8")
    assert replace[0] in text
    path.write_text(text.replace(replace[0], replace[1], 1), encoding="utf-8")
    line = _line(path, replace[1].rstrip("\n"))
    errors = _figure_errors(project)
    assert any(e.startswith(f"figures/{name}.yml:{line}: ") and expected in e for e in errors), (
        errors
    )


def test_a_malformed_drawing_fails_loudly(project: Path, monkeypatch: Any) -> None:
    found = _load_figures(project)
    subset = figures.FigureSet(items={"sales-funnel": found.items["sales-funnel"]})
    monkeypatch.setattr(drawing, "_plot", lambda figure: "<svg><text>\x01</text></svg")
    with pytest.raises(ContentError) as caught:
        figures.render_figures(subset, None)
    assert [str(e) for e in caught.value.errors] == [
        "figures/sales-funnel.yml:1: the drawing is not well-formed SVG "
        f"({caught.value.errors[0].message.split('(', 1)[1]}"
    ]
    assert "not well-formed" in caught.value.errors[0].message


# 4. Bounded cost


def test_figure_sizes_are_limited(project: Path) -> None:
    steps = "".join(f"  - label: 第 {i} 步\n" for i in range(MAX_ITEMS + 1))
    long_label = "长" * (MAX_LABEL + 1)
    path = _write_figure(
        project,
        "huge-flow",
        f"type: flow\ntitle: 很长的流程\nchapter: ch07\nalt: 很多步。\nsteps:\n{steps}",
    )
    wide = _write_figure(
        project,
        "wide-cycle",
        "type: cycle\ntitle: 环\nchapter: ch11\nalt: 环。\ncentre: 中\nstages:\n"
        + "".join(f"  - key: {k}\n    label: {long_label}\n    detail: 细\n" for k in "ABC"),
    )
    errors = _figure_errors(project)
    assert any(
        e.startswith(f"figures/huge-flow.yml:{_line(path, 'steps:')}: steps: ")
        and f"at most {MAX_ITEMS}" in e
        for e in errors
    ), errors
    label_line = _line(wide, f"    label: {long_label}")
    assert any(
        e.startswith(f"figures/wide-cycle.yml:{label_line}: ") and f"{MAX_LABEL} at most" in e
        for e in errors
    ), errors


def _fake_dot(folder: Path, script: str) -> None:
    """A ``dot`` on PATH that answers ``-V`` and then runs ``script``."""
    dot = folder / "dot"
    dot.write_text(f'#!/bin/sh\n[ "$1" = -V ] && {{ echo "dot - fake" >&2; exit 0; }}\n{script}\n')
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)


def _render_with_fake_dot(project: Path, monkeypatch: Any, tmp_path: Path, script: str) -> str:
    _fake_dot(tmp_path, script)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    drawing._graphviz_version.cache_clear()
    found = _load_figures(project)
    subset = figures.FigureSet(items={"pdca-cycle": found.items["pdca-cycle"]})
    try:
        with pytest.raises(ContentError) as caught:
            figures.render_figures(subset, None)
    finally:
        drawing._graphviz_version.cache_clear()
    assert len(caught.value.errors) == 1
    return str(caught.value.errors[0])


def test_graphviz_runs_have_a_time_limit(project: Path, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(drawing, "GRAPHVIZ_SECONDS", 1)
    error = _render_with_fake_dot(project, monkeypatch, tmp_path, "exec sleep 30")
    assert error == (
        "figures/pdca-cycle.yml:1: Graphviz took longer than 1 s to draw this figure; "
        "make it smaller (fewer steps, shorter labels)"
    )


def test_graphviz_runs_have_a_memory_limit(project: Path, monkeypatch: Any, tmp_path: Path) -> None:
    script = 'cat > /dev/null; echo "limit $(ulimit -v)" >&2; exit 3'
    error = _render_with_fake_dot(project, monkeypatch, tmp_path, script)
    limit = drawing.GRAPHVIZ_MEMORY >> 10
    assert error == f"figures/pdca-cycle.yml:1: Graphviz failed: limit {limit}"
