/* Spaced review (今日复习): every question answered wrongly or partly right gets a
   review schedule computed with FSRS (the vendored ts-fsrs, window.FSRS). The
   score sets the rating: 0 is Again, a partial score Hard, full marks Good. The
   schedule is one localStorage entry, by quiz id and question id, each card with
   the content hash of the question it was made for (an edited question starts
   afresh) and the time it was last changed (t, for merging imports). Scheduling
   is by whole days: a question is due on the local day its card falls due. */
(function () {
  "use strict";

  var KEY = "course-review:v1";
  var quiz = window.CourseQuiz;
  var fsrs = window.FSRS;
  if (!quiz || !fsrs) {
    /* A page without quizzes (the home page) loads this script alone, for the count. */
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", showCounts);
    } else {
      showCounts();
    }
    return;
  }
  var scheduler = fsrs.fsrs(fsrs.generatorParameters({ enable_fuzz: false, enable_short_term: false }));

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function itemKey(quizId, id) { return quizId + "/" + id; }

  /* Every card by itemKey: {h: hash, c: card as ts-fsrs makes it, t: ms}. */
  function load() {
    var items = null;
    try {
      items = JSON.parse(window.localStorage.getItem(KEY));
    } catch (error) {
      items = null;
    }
    return items && typeof items === "object" && !Array.isArray(items) ? items : {};
  }

  function save(items) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items));
    } catch (error) {
      /* quiz.js shows the notice that nothing is being saved */
    }
  }

  function card(item) {
    var c = item.c;
    return {
      due: new Date(c.due), stability: Number(c.stability), difficulty: Number(c.difficulty),
      elapsed_days: Number(c.elapsed_days) || 0, scheduled_days: Number(c.scheduled_days) || 0,
      learning_steps: Number(c.learning_steps) || 0, reps: Number(c.reps) || 0,
      lapses: Number(c.lapses) || 0, state: Number(c.state) || 0,
      last_review: c.last_review ? new Date(c.last_review) : undefined
    };
  }

  function rating(score) {
    return score >= 1 ? fsrs.Rating.Good : score > 0 ? fsrs.Rating.Hard : fsrs.Rating.Again;
  }

  /* The item of a question as it is now, or null (none, or made for an older version). */
  function itemOf(items, quizId, id, hash) {
    var item = items[itemKey(quizId, id)];
    return item && typeof item === "object" && item.h === hash && item.c ? item : null;
  }

  function schedule(detail) {
    var items = load();
    var item = itemOf(items, detail.quiz, detail.id, detail.hash);
    if (!item && detail.score >= 1) { return null; }
    var now = new Date();
    var before = item ? card(item) : fsrs.createEmptyCard(now);
    var next = scheduler.next(before, now, rating(detail.score)).card;
    items[itemKey(detail.quiz, detail.id)] = { h: detail.hash, c: next, t: now.getTime() };
    save(items);
    return next;
  }

  function endOfToday() {
    var now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime();
  }

  function isDue(item) {
    return new Date(item.c.due).getTime() < endOfToday();
  }

  /* Cards of questions the page shows in another version, or not at all, are dropped:
     the 今日复习 and 我的进度 pages list every question of the course. */
  function prune(current) {
    var items = load();
    var changed = false;
    Object.keys(items).forEach(function (key) {
      if (current[key.split("/")[1]] !== (items[key] && items[key].h)) {
        delete items[key];
        changed = true;
      }
    });
    if (changed) { save(items); }
  }

  function dueCount() {
    var items = load();
    return Object.keys(items).filter(function (key) {
      return items[key] && items[key].c && isDue(items[key]);
    }).length;
  }

  /* The due count on the home page, 我的进度 and 今日复习. */
  function showCounts() {
    var count = dueCount();
    all(document, ".course-review__due").forEach(function (node) {
      var target = node.querySelector(".course-review__due-count");
      target.textContent = count ? "今天有 " + count + " 道题到期复习。" : "今天没有到期要复习的题。";
      node.hidden = false;
    });
  }

  /* On a review form, the date each answered question is due next. */
  function showNext(el, next) {
    if (!el.closest("form[data-review]")) { return; }
    var note = el.querySelector(".course-review__next");
    if (!note) {
      note = document.createElement("p");
      note.className = "course-review__next";
      el.querySelector(".course-quiz__outcome").after(note);
    }
    note.textContent = next ? "下次复习：" + quiz.localDate(next.due.toISOString()) : "这道题不在复习计划里。";
  }

  quiz.reviews.due = {
    keep: function (el) {
      var item = itemOf(load(), el.dataset.quiz, el.dataset.id, el.dataset.hash);
      if (!item) { return false; }
      var note = el.querySelector(".course-review__next");
      if (note) { note.remove(); }
      return isDue(item);
    },
    summary: function (count) {
      return count ? "今天有 " + count + " 道题到期，答完后提交，每道题会按结果排好下次复习的日期。"
        : "今天没有到期要复习的题。答错或部分答对的题会按计划出现在这里。";
    }
  };

  document.addEventListener("course-quiz:graded", function (event) {
    var next = schedule(event.detail);
    showNext(event.target, next);
    showCounts();
  });

  function init() {
    var current = {};
    var listed = all(document, ".course-progress tr[data-questions]");
    listed.forEach(function (row) {
      row.dataset.questions.trim().split(/\s+/).forEach(function (pair) {
        var parts = pair.split(":");
        current[parts[0]] = parts[1];
      });
    });
    var form = document.querySelector('form.course-quiz[data-review="due"]');
    if (form) {
      all(form, ".course-quiz__question").forEach(function (el) { current[el.dataset.id] = el.dataset.hash; });
    }
    if (listed.length || form) { prune(current); }
    showCounts();
  }

  window.CourseReview = { KEY: KEY, load: load, save: save, showCounts: showCounts };

  quiz.onPage(init);
})();
