/* Exams (结业测试): each attempt draws its questions from the quizzes' banks.
   The page holds every question any draw may take, hidden, and the blueprint as
   JSON (each draw's number and pool of question ids, the pass mark, the time
   limit). An attempt is a fresh draw: its seed, question ids, start time and
   answers are kept in localStorage under PREFIX + the exam id, so a reload
   shows the same questions in the same order and never resets the clock.
   Grading and feedback are the quizzes' own (window.CourseQuiz from quiz.js);
   exam answers do not enter the chapter quizzes' records. */
(function () {
  "use strict";

  /* Ids are lowercase letters, digits and "-": no quiz's key (course-quiz:...) can be one. */
  var PREFIX = "course-exam:v1:";
  var ALERTS = [5, 1];
  /* Minutes left at which the remaining time is announced. */

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function load(exam) {
    var record = null;
    try {
      record = JSON.parse(window.localStorage.getItem(PREFIX + exam));
    } catch (error) {
      record = null;
    }
    if (!record || typeof record !== "object" || !Array.isArray(record.attempts)) {
      record = { attempts: [] };
    }
    record.attempts = record.attempts.filter(function (a) {
      return a && typeof a === "object" && Array.isArray(a.ids) && typeof a.start === "number";
    });
    return record;
  }

  function save(exam, record) {
    try {
      window.localStorage.setItem(PREFIX + exam, JSON.stringify(record));
    } catch (error) {
      /* quiz.js shows the notice that nothing can be stored; the attempt still runs. */
    }
  }

  /* ---- A small seeded generator (mulberry32): one seed gives one attempt's draw. */

  function generator(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6D2B79F5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function newSeed() {
    if (window.crypto && window.crypto.getRandomValues) {
      return window.crypto.getRandomValues(new Uint32Array(1))[0];
    }
    return Math.floor(Math.random() * 4294967296);
  }

  /* A number for a string, to give each question its own option order per attempt. */
  function hashOf(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i += 1) {
      h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    }
    return h >>> 0;
  }

  function shuffled(list, random) {
    var copy = list.slice();
    for (var i = copy.length - 1; i > 0; i -= 1) {
      var j = Math.floor(random() * (i + 1));
      var swap = copy[i]; copy[i] = copy[j]; copy[j] = swap;
    }
    return copy;
  }

  /* ---- The exam on the page. */

  function Exam(form) {
    this.form = form;
    this.id = form.dataset.exam;
    this.blueprint = JSON.parse(form.querySelector(".course-exam__blueprint").textContent);
    this.items = {};
    all(form, ".course-exam__item").forEach(function (item) { this.items[item.dataset.id] = item; }, this);
    this.list = form.querySelector(".course-exam__questions");
    this.timer = form.querySelector(".course-exam__timer");
    this.alert = form.querySelector(".course-exam__alert");
    this.result = form.querySelector(".course-exam__result");
    this.begin = form.querySelector(".course-exam__begin");
    this.history = form.querySelector(".course-exam__history");
    this.actions = form.querySelector(".course-exam__actions");
    this.ticking = null;
    this.attempt = null;
  }

  Exam.prototype.question = function (id) {
    return this.items[id].querySelector(".course-quiz__question");
  };

  Exam.prototype.stemOf = function (id) {
    var el = this.question(id);
    return el.dataset.scenario ? el.dataset.quiz + " " + el.dataset.scenario : "";
  };

  /* The blueprint's numbers from each pool, no question twice, shuffled, each
     scenario's questions kept together behind the first of them. */
  Exam.prototype.draw = function (seed) {
    var random = generator(seed);
    var items = this.items;
    var taken = {};
    var picked = [];
    this.blueprint.draws.forEach(function (rule) {
      var candidates = rule.pool.filter(function (id) { return items[id] && !taken[id]; });
      shuffled(candidates, random).slice(0, rule.count).forEach(function (id) {
        taken[id] = true;
        picked.push(id);
      });
    });
    var grouped = [];
    shuffled(picked, random).forEach(function (id) {
      var stem = this.stemOf(id);
      var last = -1;
      grouped.forEach(function (other, i) { if (stem && this.stemOf(other) === stem) { last = i; } }, this);
      grouped.splice(last >= 0 ? last + 1 : grouped.length, 0, id);
    }, this);
    return grouped;
  };

  /* Options (or order items) in this attempt's order; an order question never
     starts in the right order. */
  Exam.prototype.orderOptions = function (el, seed) {
    var list = el.querySelector(".course-quiz__options, .course-quiz__order");
    var isOrder = Boolean(window.CourseQuiz.graders[el.dataset.type].sequence);
    if (!list || (el.dataset.shuffle !== "1" && !isOrder)) { return; }
    var random = generator(seed ^ hashOf(el.dataset.id));
    var children = all(list, ":scope > *");
    var order = children;
    for (var tries = 0; tries < 5; tries += 1) {
      order = shuffled(children, random);
      var keys = order.map(function (li) { return li.dataset.key; });
      if (!isOrder || keys.join() !== window.CourseQuiz.keyOf(el).order.join()) { break; }
    }
    order.forEach(function (child) { list.appendChild(child); });
  };

  Exam.prototype.current = function () {
    var attempts = load(this.id).attempts;
    return attempts.length ? attempts[attempts.length - 1] : null;
  };

  Exam.prototype.store = function (attempt) {
    var record = load(this.id);
    var last = record.attempts.length - 1;
    if (last >= 0 && record.attempts[last].seed === attempt.seed &&
        record.attempts[last].start === attempt.start) {
      record.attempts[last] = attempt;
    } else {
      record.attempts.push(attempt);
    }
    save(this.id, record);
    this.form.dispatchEvent(new CustomEvent("course-exam:saved", { bubbles: true }));
  };

  /* Lay out an attempt's questions, numbered, with its answers so far. */
  Exam.prototype.show = function (attempt) {
    var quiz = window.CourseQuiz;
    var shown = {};
    attempt.ids.forEach(function (id) { shown[id] = true; });
    Object.keys(this.items).forEach(function (id) {
      this.items[id].hidden = !shown[id];
      quiz.reset(this.question(id));
      all(this.question(id), "input, select, button").forEach(function (c) { c.disabled = false; });
    }, this);
    var previous = "";
    attempt.ids.forEach(function (id, index) {
      var item = this.items[id];
      var el = this.question(id);
      this.list.appendChild(item);
      this.orderOptions(el, attempt.seed);
      var number = "第 " + (index + 1) + " 题";
      var legend = el.querySelector("legend");
      // Only the number: the legend's spans (screen-only and print-only wording) stay.
      var label = legend.firstChild;
      label.nodeValue = label.nodeValue.replace(/^第 \d+ 题/, number);
      all(el, "[aria-label]").forEach(function (input) {
        input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/^第 \d+ 题/, number));
      });
      all(el, ".course-quiz__moves").forEach(function (moves) { moves.hidden = false; });
      var saved = (attempt.answers || {})[id];
      if (Array.isArray(saved)) {
        try {
          quiz.graders[el.dataset.type].write(el, saved.map(String));
        } catch (error) {
          quiz.reset(el);
        }
      }
      var stem = this.stemOf(id);
      all(item, ".course-quiz__scenario").forEach(function (s) { s.hidden = Boolean(stem) && stem === previous; });
      previous = stem;
    }, this);
  };

  Exam.prototype.start = function () {
    var seed = newSeed();
    var attempt = { seed: seed, ids: this.draw(seed), start: Date.now(), answers: {} };
    this.store(attempt);
    this.run(attempt);
    var first = this.question(attempt.ids[0]).querySelector("input, select, button");
    if (first) { first.focus(); }
  };

  /* An attempt under way: questions open, the clock running. */
  Exam.prototype.run = function (attempt) {
    this.attempt = attempt;
    this.form.dataset.confirm = "";
    this.show(attempt);
    this.begin.hidden = true;
    this.result.hidden = true;
    this.actions.hidden = false;
    this.alert.hidden = true;
    this.form.classList.add("is-running");
    if (this.blueprint.minutes) {
      this.timer.hidden = false;
      this.alerted = {};
      var self = this;
      this.tick();
      this.ticking = window.setInterval(function () { self.tick(); }, 1000);
    }
  };

  Exam.prototype.deadline = function (attempt) {
    return attempt.start + this.blueprint.minutes * 60000;
  };

  Exam.prototype.tick = function () {
    var left = this.deadline(this.attempt) - Date.now();
    if (left <= 0) {
      this.timer.textContent = "剩余时间：0 分 0 秒";
      this.submit(true);
      return;
    }
    var seconds = Math.ceil(left / 1000);
    var minutes = Math.floor(seconds / 60);
    this.timer.textContent = "剩余时间：" + minutes + " 分 " + (seconds % 60) + " 秒";
    ALERTS.forEach(function (mark) {
      if (seconds <= mark * 60 && seconds > mark * 60 - 5 && !this.alerted[mark]) {
        this.alerted[mark] = true;
        this.alert.hidden = false;
        this.alert.textContent = "还剩 " + mark + " 分钟，时间到后将自动交卷。";
      }
    }, this);
  };

  Exam.prototype.remember = function (el) {
    if (!this.attempt || this.attempt.done) { return; }
    var answer = window.CourseQuiz.graders[el.dataset.type].read(el);
    this.attempt.answers = this.attempt.answers || {};
    if (answer) {
      this.attempt.answers[el.dataset.id] = answer;
    } else {
      delete this.attempt.answers[el.dataset.id];
    }
    this.store(this.attempt);
  };

  /* Score every question (an unanswered one scores 0) and keep the result. */
  Exam.prototype.submit = function (timeUp) {
    var attempt = this.attempt;
    if (!attempt || attempt.done) { return; }
    var unanswered = attempt.ids.filter(function (id) {
      var el = this.question(id);
      return !window.CourseQuiz.graders[el.dataset.type].read(el);
    }, this);
    if (!timeUp && unanswered.length && this.form.dataset.confirm !== "1") {
      this.form.dataset.confirm = "1";
      this.alert.hidden = false;
      this.alert.textContent = "还有 " + unanswered.length + " 道题没有作答，未答的题记 0 分。确定交卷请再点一次“交卷”。";
      return;
    }
    attempt.ids.forEach(function (id) { this.remember(this.question(id)); }, this);
    var scores = this.grade(attempt);
    var total = 0;
    scores.forEach(function (s) { total += s; });
    attempt.done = true;
    attempt.end = timeUp ? this.deadline(attempt) : Date.now();
    attempt.timeUp = Boolean(timeUp);
    attempt.scores = scores;
    attempt.percent = Math.round((total / scores.length) * 100);
    attempt.pass = attempt.percent >= this.blueprint.passPercent;
    this.store(attempt);
    this.finish(attempt);
    this.result.focus();
    this.form.dispatchEvent(new CustomEvent("course-exam:submitted", { bubbles: true, detail: {
      exam: this.id, percent: attempt.percent, pass: attempt.pass, passPercent: this.blueprint.passPercent,
      questions: attempt.ids.map(function (id, i) { return { id: id, score: scores[i] }; })
    } }));
  };

  /* Show each question's verdict and teaching; its score, 0 when unanswered. */
  Exam.prototype.grade = function (attempt) {
    return attempt.ids.map(function (id) {
      var el = this.question(id);
      var result = window.CourseQuiz.grade(el);
      if (!result) {
        var outcome = el.querySelector(".course-quiz__outcome");
        outcome.textContent = "未作答：本题记 0 分。";
        outcome.hidden = false;
        el.classList.add("is-wrong");
      }
      return result ? result.s : 0;
    }, this);
  };

  /* A finished attempt: questions graded and closed, the score overall and per
     chapter, links back to the chapters, the questions to review. */
  Exam.prototype.finish = function (attempt) {
    window.clearInterval(this.ticking);
    this.attempt = attempt;
    this.timer.hidden = true;
    this.alert.hidden = true;
    this.actions.hidden = true;
    this.form.classList.remove("is-running");
    attempt.ids.forEach(function (id) {
      var el = this.question(id);
      all(el, "input, select, button").forEach(function (c) { c.disabled = true; });
      all(el, ".course-quiz__moves").forEach(function (moves) { moves.hidden = true; });
    }, this);
    this.report(attempt);
    this.showHistory();
    this.begin.hidden = false;
    this.begin.querySelector("button").textContent = "重新抽题，再考一次";
  };

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function link(href, content) {
    var a = element("a", "", content);
    a.href = href;
    return a;
  }

  /* A copy of a link the page holds (to a chapter, or the section a question is
     taught in) with `content` as its text. In a SCORM package such a link to
     another page is plain text already. */
  function reference(source, content) {
    var copy = source.cloneNode(true);
    copy.removeAttribute("hidden");
    copy.className = "";
    if (content !== undefined) { copy.textContent = content; }
    return copy;
  }

  /* The section a question is taught in, if its quiz names it. */
  Exam.prototype.sectionLink = function (id) {
    var source = this.items[id].querySelector(".course-exam__section");
    return source ? reference(source) : null;
  };

  Exam.prototype.chapterLink = function (chapter, content) {
    return reference(this.form.querySelector(".course-exam__chapter-links [data-chapter='" + chapter + "'] > *"),
      content);
  };

  Exam.prototype.report = function (attempt) {
    var blueprint = this.blueprint;
    var box = this.result;
    box.textContent = "";
    var pass = blueprint.passPercent;
    box.appendChild(element("p", "course-exam__score", (attempt.timeUp ? "时间到，已自动交卷。" : "") +
      "总分：" + attempt.percent + "%（共 " + attempt.ids.length + " 题）。" + (attempt.pass
        ? "恭喜，已通过结业测试（通过线 " + pass + "%）。"
        : "未达到 " + pass + "% 的通过线。建议按下表复习得分低的章节，再重新抽题考一次。")));
    var chapters = {};
    attempt.ids.forEach(function (id, i) {
      var chapter = this.items[id].dataset.chapter;
      if (!chapters[chapter]) { chapters[chapter] = { sum: 0, count: 0, wrong: [] }; }
      chapters[chapter].sum += attempt.scores[i];
      chapters[chapter].count += 1;
      if (attempt.scores[i] < 1) { chapters[chapter].wrong.push(i); }
    }, this);
    /* The blueprint lists the chapters in course order. */
    var order = Object.keys(blueprint.chapters).filter(function (c) { return chapters[c]; });
    /* A table without a class of its own, so the theme styles it. */
    var table = element("table");
    var head = table.appendChild(element("thead")).appendChild(element("tr"));
    ["章节", "题数", "得分", "复习"].forEach(function (label) { head.appendChild(element("th", "", label)); });
    var body = table.appendChild(element("tbody"));
    order.forEach(function (chapter) {
      var data = chapters[chapter];
      var info = blueprint.chapters[chapter];
      var row = body.appendChild(element("tr"));
      row.dataset.chapter = chapter;
      row.appendChild(element("td")).appendChild(this.chapterLink(chapter, info.title));
      row.appendChild(element("td", "", String(data.count)));
      row.appendChild(element("td", "", Math.round((data.sum / data.count) * 100) + "%"));
      var review = row.appendChild(element("td"));
      if (data.wrong.length) {
        /* The sections that teach the questions missed, each once; the chapter
           when a question names none. */
        var seen = {};
        data.wrong.forEach(function (index) {
          var reread = this.sectionLink(attempt.ids[index]);
          var key = reread ? reread.getAttribute("href") || reread.textContent : "";
          if (seen[key]) { return; }
          seen[key] = true;
          if (review.firstChild) { review.appendChild(document.createTextNode("、")); }
          review.appendChild(reread || this.chapterLink(chapter, "重读本章"));
        }, this);
      } else {
        review.textContent = "全部答对";
      }
    }, this);
    box.appendChild(element("h2", "", "各章得分"));
    box.appendChild(element("div", "course-exam__chapters")).appendChild(table);
    var wrong = attempt.ids.filter(function (id, i) { return attempt.scores[i] < 1; });
    box.appendChild(element("h2", "", "需要复习的题目"));
    if (!wrong.length) {
      box.appendChild(element("p", "", "全部答对，没有需要复习的题目。"));
    } else {
      var list = box.appendChild(element("ul", "course-exam__review"));
      wrong.forEach(function (id) {
        var index = attempt.ids.indexOf(id);
        var chapter = this.items[id].dataset.chapter;
        var li = list.appendChild(element("li"));
        li.dataset.id = id;
        li.appendChild(link("#q-" + id, "第 " + (index + 1) + " 题"));
        li.appendChild(document.createTextNode("（得分 " + Math.round(attempt.scores[index] * 100) + "%）："));
        li.appendChild(this.sectionLink(id) || this.chapterLink(chapter, blueprint.chapters[chapter].title));
        var prompt = this.question(id).querySelector(".course-quiz__prompt").textContent.replace(/\s+/g, " ").trim();
        li.appendChild(document.createTextNode("。" + (prompt.length > 40 ? prompt.slice(0, 40) + "……" : prompt)));
      }, this);
    }
    box.hidden = false;
  };

  function localTime(ms) {
    var date = new Date(ms);
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      " " + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  Exam.prototype.showHistory = function () {
    var done = load(this.id).attempts.filter(function (a) { return a.done; });
    this.history.textContent = "";
    this.history.hidden = !done.length;
    if (!done.length) { return; }
    this.history.appendChild(element("p", "", "你的作答记录（每次都是一次新的抽题）："));
    var list = this.history.appendChild(element("ol", "course-exam__attempts"));
    done.forEach(function (a) {
      list.appendChild(element("li", "", localTime(a.end || a.start) + "　" + a.percent + "%　" +
        (a.pass ? "通过" : "未通过") + (a.timeUp ? "（超时自动交卷）" : "")));
    });
  };

  Exam.prototype.move = function (button) {
    var li = button.closest("li");
    var up = Number(button.dataset.move) < 0;
    var sibling = up ? li.previousElementSibling
      : li.nextElementSibling && li.nextElementSibling.nextElementSibling;
    if (up && !sibling) { return; }
    li.parentNode.insertBefore(li, sibling);
    button.focus();
    var el = button.closest(".course-quiz__question");
    /* quiz.js counts an order question answered once the learner moved an item. */
    el.dataset.moved = "1";
    this.remember(el);
  };

  Exam.prototype.setUp = function () {
    var self = this;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit(false);
    });
    this.form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.classList.contains("course-exam__start")) {
        self.start();
      } else if (button.dataset.move) {
        self.move(button);
      }
    });
    function changed(event) {
      var el = event.target.closest(".course-quiz__question");
      if (el) { self.remember(el); }
    }
    this.form.addEventListener("change", changed);
    this.form.addEventListener("input", changed);
    /* Enter in a blank must not submit the whole exam. */
    this.form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.classList.contains("course-quiz__blank")) {
        event.preventDefault();
      }
    });
    var last = this.current();
    var usable = last && last.ids.length && last.ids.every(function (id) { return self.items[id]; });
    this.showHistory();
    if (usable && !last.done) {
      this.run(last);
      if (Date.now() >= this.deadline(last)) { this.submit(true); }
    } else if (usable && last.done) {
      this.show(last);
      this.grade(last);
      this.finish(last);
    } else {
      this.begin.hidden = false;
    }
  };

  /* ---- An LMS's suspend data (scorm.js): the last attempt of each exam on the
     page, compacted to [seed, start, ids, answers in the order of ids (0: none),
     0 or [end, timeUp, percent, scores]] and keyed by exam id. The answers are
     left out if the whole would not fit in `limit` characters: the draw and the
     clock still resume. */

  function examIds() {
    return all(document, "form.course-exam[data-exam]").map(function (form) { return form.dataset.exam; });
  }

  function packed(attempt, answers) {
    var given = attempt.answers || {};
    return [attempt.seed, attempt.start, attempt.ids,
      attempt.ids.map(function (id) { return answers && given[id] || 0; }),
      attempt.done ? [attempt.end, attempt.timeUp ? 1 : 0, attempt.percent, attempt.scores] : 0];
  }

  function pageState(limit) {
    function text(answers) {
      var data = {};
      examIds().forEach(function (id) {
        var attempts = load(id).attempts;
        if (attempts.length) { data[id] = packed(attempts[attempts.length - 1], answers); }
      });
      return Object.keys(data).length ? JSON.stringify({ x: data }) : "";
    }
    var result = text(true);
    if (result.length > limit) { result = text(false); }
    return result.length > limit ? "" : result;
  }

  function unpacked(row) {
    if (!Array.isArray(row) || typeof row[0] !== "number" || typeof row[1] !== "number" ||
        !Array.isArray(row[2]) || !Array.isArray(row[3])) { return null; }
    var attempt = { seed: row[0], start: row[1], ids: row[2].map(String), answers: {} };
    attempt.ids.forEach(function (id, i) {
      if (Array.isArray(row[3][i])) { attempt.answers[id] = row[3][i].map(String); }
    });
    if (Array.isArray(row[4])) {
      attempt.done = true;
      attempt.end = Number(row[4][0]);
      attempt.timeUp = Boolean(row[4][1]);
      attempt.percent = Number(row[4][2]);
      attempt.scores = Array.isArray(row[4][3]) ? row[4][3].map(Number) : [];
    }
    return attempt;
  }

  /* Each packed attempt joins this browser's record: a new one in order of start,
     one already here only replaces it when it is finished and this one is not. */
  function restorePage(text) {
    var data = null;
    try {
      data = JSON.parse(text || "null");
    } catch (error) {
      return;
    }
    if (!data || typeof data.x !== "object" || !data.x) { return; }
    examIds().forEach(function (id) {
      var attempt = unpacked(data.x[id]);
      if (!attempt) { return; }
      var record = load(id);
      var same = record.attempts.filter(function (a) { return a.seed === attempt.seed && a.start === attempt.start; })[0];
      if (!same) {
        record.attempts.push(attempt);
        record.attempts.sort(function (a, b) { return a.start - b.start; });
      } else if (attempt.done && !same.done) {
        record.attempts[record.attempts.indexOf(same)] = attempt;
      } else {
        return;
      }
      save(id, record);
    });
  }

  window.CourseExam = { pageState: pageState, restorePage: restorePage };

  function init() {
    if (!window.CourseQuiz) { return; }
    all(document, "form.course-exam").forEach(function (form) {
      if (form.dataset.ready) { return; }
      form.dataset.ready = "1";
      new Exam(form).setUp();
    });
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
