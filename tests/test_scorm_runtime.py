"""A SCO of the package inside a real SCORM 1.2 runtime: scorm-again (from npm),
hosted by a test page as ``window.API``, with the SCO in an iframe as an LMS shows
it. The quiz is answered in Chromium; the assertions read the runtime's CMI data."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.models.quiz import Quiz
from generator.scorm import PACKAGE_PATH
from tests import helpers
from tests.helpers import answer, lms_file, new_page, quizzes, submit

HOST = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="scorm12.min.js"></script>
<script>
window.finishCalls = 0;
window.API = new Scorm12API({ logLevel: 4 });
if (window.RESUME) { window.API.loadFromFlattenedJSON(window.RESUME, ""); }
window.API.on("LMSFinish", function () { window.finishCalls += 1; });
</script></head>
<body><iframe id="sco" title="SCO" style="width: 100%; height: 90vh"></iframe>
<script>
var sco = new URLSearchParams(location.search).get("sco");
document.getElementById("sco").src = "package/sco/" + sco + ".html";
</script></body></html>
"""
"""The LMS side: scorm-again's SCORM 1.2 API as window.API, the SCO in an iframe;
``window.RESUME`` (flattened CMI data) is what the LMS kept from an earlier session."""
SUSPEND_LIMIT = 4096
"""SCORM 1.2's cmi.suspend_data is a CMIString4096."""
SCORM_TYPES = {
    "single": "choice",
    "multiple": "choice",
    "truefalse": "true-false",
    "fill": "fill-in",
    "match": "matching",
    "order": "sequencing",
    "judgement": "performance",
}


@pytest.fixture(scope="module")
def lms(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An HTTP server with the unzipped package under package/ and the host page."""
    root = tmp_path_factory.mktemp("lms")
    with zipfile.ZipFile(site / PACKAGE_PATH) as package:
        package.extractall(root / "package")
    shutil.copy(lms_file("scorm-again/dist/scorm12.min.js"), root / "scorm12.min.js")
    (root / "lms.html").write_text(HOST, encoding="utf-8")
    handler = functools.partial(helpers.QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def every_type() -> tuple[str, Quiz]:
    """The first quiz with a question of every type."""
    return next((i, q) for i, q in quizzes().items() if len(q.types) == len(SCORM_TYPES))


def cmi(page: Page) -> dict[str, Any]:
    return page.evaluate("window.API.renderCMIToJSONObject().cmi")  # type: ignore[no-any-return]


@pytest.mark.parametrize("passing", [True, False], ids=["passed", "failed"])
def test_scorm_again_records_the_attempt(
    lms: str, browser: Browser, request: pytest.FixtureRequest, passing: bool
) -> None:
    quiz_id, quiz = every_type()
    page = new_page(browser, request)
    page.goto(f"{lms}/lms.html?sco={quiz.chapter}")
    sco = page.frame_locator("#sco")
    expect(sco.locator("h1").first).to_be_visible()
    page.wait_for_function("window.API.cmi.core.lesson_status === 'incomplete'")
    # A pass answers every question right; a failure gets only the first one right.
    rights = [passing or index == 0 for index in range(len(quiz.questions))]
    for question, right in zip(quiz.questions, rights, strict=True):
        answer(sco, question, right=right)  # type: ignore[arg-type]
    percent = round(100 * sum(rights) / len(rights))
    expect(submit(sco)).to_contain_text(f"得分：{percent}%")  # type: ignore[arg-type]

    data = cmi(page)
    core = data["core"]
    assert core["score"] == {"raw": str(percent), "min": "0", "max": "100"}
    assert core["lesson_status"] == ("passed" if passing else "failed")
    assert (percent >= quiz.pass_percent) == passing
    interactions = [data["interactions"][str(n)] for n in range(len(data["interactions"]))]
    assert [i["id"] for i in interactions] == [q.id for q in quiz.questions]
    for question, right, record in zip(quiz.questions, rights, interactions, strict=True):
        assert record["type"] == SCORM_TYPES[question.type]
        assert record["result"] == ("correct" if right else "wrong")
        expected = record["correct_responses"]["0"]["pattern"]
        assert expected
        assert (record["student_response"] == expected) == right, question.id
        if question.type == "truefalse":
            assert record["student_response"] in ("t", "f")
        if question.type in ("single", "judgement"):
            assert re.fullmatch(r"[a-z]", record["student_response"])
        if question.type == "match" and right:
            pairs = len(question.pairs)  # type: ignore[union-attr]
            assert re.fullmatch(rf"1\.[a-z](,\d\.[a-z]){{{pairs - 1}}}", expected)
        if question.type == "order":
            letters = record["student_response"].split(",")
            assert sorted(letters) == sorted(expected.split(","))
    assert page.evaluate("window.finishCalls") == 0

    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.finishCalls === 1")
    core = cmi(page)["core"]
    assert core["lesson_status"] == ("passed" if passing else "failed")
    assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}", core["session_time"])
    assert quiz_id


def test_sco_without_an_lms_works_like_the_site(
    lms: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    quiz_id, quiz = every_type()
    page = new_page(browser, request)
    page.goto(f"{lms}/package/sco/{quiz.chapter}.html")
    for question in quiz.questions:
        answer(page, question, right=True)
    total = len(quiz.questions)
    expect(submit(page)).to_have_text(
        f"得分：100%（共 {total} 题，全对 {total} 题）。恭喜，已通过本章自测。"
    )
    stored = page.evaluate(f"localStorage.getItem('course-quiz:v2:{quiz_id}')")
    assert stored and '"best":100' in stored


def session_one(lms: str, page: Page, quiz: Quiz) -> str:
    """Answer every question of the quiz wrongly in its SCO, leave; the suspend data."""
    page.goto(f"{lms}/lms.html?sco={quiz.chapter}")
    sco = page.frame_locator("#sco")
    page.wait_for_function("window.API.cmi.core.lesson_status === 'incomplete'")
    for question in quiz.questions:
        answer(sco, question, right=False)  # type: ignore[arg-type]
    expect(submit(sco)).to_contain_text("得分：")  # type: ignore[arg-type]
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.finishCalls === 1")
    assert cmi(page)["core"]["exit"] == "suspend"
    return page.evaluate("window.API.cmi.suspend_data")  # type: ignore[no-any-return]


def stored(page: Page, key: str) -> Any:
    return json.loads(page.evaluate(f"localStorage.getItem({json.dumps(key)}) || 'null'"))


def to_seconds(value: Any) -> Any:
    """Times as the suspend data keeps them: whole seconds."""
    if isinstance(value, dict):
        return {k: (v // 1000 if k == "t" else to_seconds(v)) for k, v in value.items()}
    return value


def test_suspend_data_brings_progress_and_review_back_in_the_next_session(
    lms: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    quiz_id, quiz = max(quizzes().items(), key=lambda item: len(item[1].questions))
    first = new_page(browser, request)
    data = session_one(lms, first, quiz)
    assert 0 < len(data) <= SUSPEND_LIMIT
    record = stored(first, f"course-quiz:v2:{quiz_id}")
    cards = stored(first, "course-review:v1")
    assert set(cards) == {f"{quiz_id}/{q.id}" for q in quiz.questions}

    second = new_page(browser, request)  # another browser: nothing stored there
    second.add_init_script(f"window.RESUME = {json.dumps({'cmi.suspend_data': data})};")
    second.goto(f"{lms}/lms.html?sco={quiz.chapter}")
    sco = second.frame_locator("#sco")
    expect(sco.locator("h1").first).to_be_visible()
    second.wait_for_function("window.API.cmi.core.lesson_status === 'incomplete'")
    restored = stored(second, f"course-quiz:v2:{quiz_id}")
    assert to_seconds(restored) == to_seconds(record) | {"date": restored["date"]}
    assert restored["date"][:19] == record["date"][:19]
    back = stored(second, "course-review:v1")
    assert set(back) == set(cards)
    for key, item in cards.items():
        assert back[key]["h"] == item["h"]
        assert back[key]["c"]["due"][:19] == item["c"]["due"][:19]
        assert back[key]["c"]["stability"] == round(item["c"]["stability"], 3)
    choice = next(q for q in quiz.questions if q.type in ("single", "truefalse"))
    picked = record["q"][choice.id]["a"][0]
    expect(sco.locator(f"#q-{choice.id} input[value='{picked}']")).to_be_checked()


@pytest.mark.parametrize("quiz_id", sorted(quizzes()))
def test_every_question_answered_wrongly_fits_the_suspend_data(
    lms: str, browser: Browser, request: pytest.FixtureRequest, quiz_id: str
) -> None:
    """The worst case: every question of the chapter answered wrongly, so every one has
    an answer, a score and a review card; the answers are still kept."""
    quiz = quizzes()[quiz_id]
    page = new_page(browser, request)
    data = session_one(lms, page, quiz)
    print(f"suspend data of {quiz_id}: {len(data)} characters")
    assert len(data) <= SUSPEND_LIMIT
    packed = json.loads(data)
    assert all(isinstance(row[2], list) for row in packed["q"][quiz_id][4].values())


EXAM_SCO = "exam-final"
"""The 结业测试's SCO (``scorm.EXAM_SCO_PREFIX`` and the exam id)."""


def exam_session(lms: str, page: Page) -> Any:
    """Launch the exam's SCO in the LMS and start an attempt; the SCO's frame."""
    page.goto(f"{lms}/lms.html?sco={EXAM_SCO}")
    sco = page.frame_locator("#sco")
    page.wait_for_function("window.API.cmi.core.lesson_status === 'incomplete'")
    return sco


def shown_ids(sco: Any) -> list[str]:
    return sco.locator(".course-exam__item:visible").evaluate_all(  # type: ignore[no-any-return]
        "items => items.map(item => item.dataset.id)"
    )


def leave(page: Page) -> str:
    """Close the SCO as an LMS does; the suspend data it left."""
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.finishCalls === 1")
    assert cmi(page)["core"]["exit"] == "suspend"
    return page.evaluate("window.API.cmi.suspend_data")  # type: ignore[no-any-return]


def test_exam_sco_reports_its_score_and_pass(
    lms: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    """Every question answered from its key: 100%, passed, one interaction per question;
    the suspend data with all 40 answers and scores fits in SCORM 1.2's 4,096."""
    bank = {q.id: q for quiz in quizzes().values() for q in quiz.questions}
    page = new_page(browser, request)
    sco = exam_session(lms, page)
    sco.get_by_role("button", name="开始测试").click()
    expect(sco.locator(".course-exam__item:visible")).to_have_count(40)
    ids = shown_ids(sco)
    for question_id in ids:
        answer(sco, bank[question_id], right=True)  # type: ignore[arg-type]
    sco.locator("form.course-exam button[type=submit]").click()
    expect(sco.locator(".course-exam__score")).to_contain_text("总分：100%")
    data = cmi(page)
    assert data["core"]["score"] == {"raw": "100", "min": "0", "max": "100"}
    assert data["core"]["lesson_status"] == "passed"
    interactions = [data["interactions"][str(n)] for n in range(len(data["interactions"]))]
    assert [i["id"] for i in interactions] == ids
    assert {i["result"] for i in interactions} == {"correct"}
    # Links out of the package are text: a question's section is text, still hidden.
    expect(sco.locator(".course-exam__section:visible")).to_have_count(0)
    expect(sco.locator(".course-exam__result a[href*='.html']")).to_have_count(0)
    suspend = leave(page)
    print(f"exam suspend data, 40 questions answered and graded: {len(suspend)} characters")
    assert len(suspend) <= SUSPEND_LIMIT
    packed = json.loads(suspend)["x"]["final"]
    assert packed[2] == ids and all(isinstance(a, list) for a in packed[3])
    assert cmi(page)["core"]["lesson_status"] == "passed"


def test_exam_sco_relaunched_mid_attempt_resumes_draw_and_clock(
    lms: str, browser: Browser, request: pytest.FixtureRequest
) -> None:
    """An attempt left half-done in one browser goes on in another from the suspend
    data alone: the same questions in the same order, the answers given, the clock
    still counting from the first start; handed in short of the pass mark, failed."""
    bank = {q.id: q for quiz in quizzes().values() for q in quiz.questions}
    first = new_page(browser, request)
    sco = exam_session(lms, first)
    sco.get_by_role("button", name="开始测试").click()
    expect(sco.locator(".course-exam__item:visible")).to_have_count(40)
    ids = shown_ids(sco)
    for question_id in ids[:5]:
        answer(sco, bank[question_id], right=True)  # type: ignore[arg-type]
    attempt = stored(first, "course-exam:v1:final")["attempts"][-1]
    assert list(attempt["answers"]) == ids[:5]
    suspend = leave(first)
    assert 0 < len(suspend) <= SUSPEND_LIMIT
    assert cmi(first)["core"]["lesson_status"] == "incomplete"

    # As if the first session had been ten minutes ago: the clock counts from then.
    packed = json.loads(suspend)
    assert packed["x"]["final"][1] == attempt["start"]
    packed["x"]["final"][1] -= 10 * 60 * 1000
    attempt["start"] -= 10 * 60 * 1000
    second = new_page(browser, request)  # another browser: nothing stored there
    resume = {"cmi.suspend_data": json.dumps(packed)}
    second.add_init_script(f"window.RESUME = {json.dumps(resume)};")
    sco = exam_session(lms, second)
    expect(sco.locator(".course-exam__item:visible")).to_have_count(40)
    assert shown_ids(sco) == ids
    expect(sco.get_by_role("timer")).to_have_text(re.compile(r"剩余时间：3[45] 分 \d+ 秒"))
    resumed = stored(second, "course-exam:v1:final")["attempts"][-1]
    assert (resumed["seed"], resumed["start"]) == (attempt["seed"], attempt["start"])
    assert resumed["answers"] == attempt["answers"]
    submit_button = sco.locator("form.course-exam button[type=submit]")
    submit_button.click()
    submit_button.click()  # the second click confirms handing in with questions unanswered
    expect(sco.locator(".course-exam__score")).to_contain_text("总分：")
    core = cmi(second)["core"]
    assert core["lesson_status"] == "failed"
    assert core["score"]["raw"] == str(
        stored(second, "course-exam:v1:final")["attempts"][-1]["percent"]
    )
    assert int(core["score"]["raw"]) < 80
