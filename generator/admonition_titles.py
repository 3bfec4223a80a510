"""Python-Markdown's admonitions with Chinese default titles.

``!!! note`` without a quoted title gets its type, capitalised, as title: an
English "Note" in a Chinese page. Here an admonition without a title gets the
Chinese name of its type instead; given titles and ``""`` (no title) stay as
they are.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown
from markdown.extensions.admonition import AdmonitionExtension, AdmonitionProcessor

TITLES = {
    "note": "注意",
    "abstract": "摘要",
    "summary": "摘要",
    "tldr": "摘要",
    "info": "说明",
    "todo": "待办",
    "tip": "提示",
    "hint": "提示",
    "important": "重要",
    "success": "成功",
    "check": "检查",
    "done": "完成",
    "question": "问题",
    "help": "帮助",
    "faq": "常见问题",
    "warning": "警告",
    "caution": "小心",
    "attention": "注意",
    "failure": "失败",
    "fail": "失败",
    "missing": "缺失",
    "danger": "危险",
    "error": "错误",
    "bug": "缺陷",
    "example": "示例",
    "quote": "引用",
    "cite": "引用",
}
DEFAULT_TITLE = "注意"


class ChineseTitleProcessor(AdmonitionProcessor):
    def get_class_and_title(self, match: re.Match[str]) -> tuple[str, str | None]:
        klass, title = super().get_class_and_title(match)
        if match.group(2) is None:
            title = TITLES.get(klass.split(" ", 1)[0], DEFAULT_TITLE)
        return klass, title


class ChineseAdmonitionExtension(AdmonitionExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.parser.blockprocessors.register(ChineseTitleProcessor(md.parser), "admonition", 105)


def makeExtension(**kwargs: Any) -> ChineseAdmonitionExtension:
    return ChineseAdmonitionExtension(**kwargs)
