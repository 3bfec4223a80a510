/* SCORM 1.2 adapter, loaded only by the pages of the SCORM package (never by the site).
   Finds the LMS's API the standard way, marks the chapter incomplete when opened,
   reports each submitted quiz (score, passed/failed, one interaction per question)
   and finishes the session when the page is left. Without an API it does nothing.
   The chapter's quiz records and review schedule are kept in cmi.suspend_data
   (SCORM 1.2: 4,096 characters) and merged back on the next launch. An exam's SCO
   reports the exam's score and passed/failed, and keeps its running attempt
   (draw, clock, answers) there instead, so a relaunch resumes it. */
(function () {
  "use strict";

  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  /* Each question type's SCORM interaction type, declared by its model
     (models/quiz.py) and written on the SCO page as "type:interaction" pairs. */
  var INTERACTIONS = {};
  (document.body.dataset.interactions || "").split(" ").forEach(function (pair) {
    var parts = pair.split(":");
    INTERACTIONS[parts[0]] = parts[1];
  });
  var api = null;
  var opened = new Date();
  var finished = false;

  /* Walk up the frames (and then the opener's), as the ADL sample does; 10 hops at most. */
  function search(win) {
    for (var hops = 0; win && hops < 10; hops += 1) {
      try {
        if (win.API) { return win.API; }
      } catch (error) {
        return null; /* a frame from another origin */
      }
      if (win.parent === win) { return null; }
      win = win.parent;
    }
    return null;
  }

  function set(name, value) { api.LMSSetValue(name, String(value)); }

  function letter(keys, key) { return LETTERS.charAt(keys.indexOf(key)); }

  function optionKeys(key) { return key.options.map(function (o) { return o.key; }); }

  function picked(key) {
    return key.options.filter(function (o) { return o.correct || o.score === 100; })
      .map(function (o) { return o.key; });
  }

  function optionLetters(key, answer) {
    return answer.map(function (k) { return letter(optionKeys(key), k); }).sort().join(",");
  }

  /* By interaction type: the learner's answer (or the right one) in SCORM 1.2's
     response format (options as letters in source order, matches as "left.right",
     blanks as typed), and the right answer in the learner's terms. */
  var FORMATS = {
    "choice": { pattern: optionLetters, right: picked },
    "performance": { pattern: optionLetters, right: picked },
    "true-false": {
      pattern: function (key, answer) { return answer[0] === "true" ? "t" : "f"; },
      right: picked
    },
    "fill-in": {
      pattern: function (key, answer) { return answer.join(","); },
      right: function (key) { return key.blanks.map(function (accepted) { return accepted[0]; }); }
    },
    "sequencing": {
      pattern: function (key, answer) {
        return answer.map(function (k) { return letter(key.order, k); }).join(",");
      },
      right: function (key) { return key.order; }
    },
    "matching": {
      pattern: function (key, answer) {
        return answer.map(function (k, i) { return k ? (i + 1) + "." + letter(key.pairs, k) : ""; })
          .filter(Boolean).join(",");
      },
      right: function (key) { return key.pairs; }
    }
  };

  function report(event) {
    var detail = event.detail;
    var n = Number(api.LMSGetValue("cmi.interactions._count")) || 0;
    detail.questions.forEach(function (q, i) {
      var prefix = "cmi.interactions." + (n + i) + ".";
      var interaction = INTERACTIONS[q.type];
      var format = FORMATS[interaction];
      set(prefix + "id", q.id);
      set(prefix + "type", interaction);
      set(prefix + "weighting", 1);
      set(prefix + "correct_responses.0.pattern", format.pattern(q.key, format.right(q.key)).slice(0, 255));
      set(prefix + "student_response", format.pattern(q.key, q.answer).slice(0, 255));
      set(prefix + "result", q.score === 1 ? "correct" : q.score > 0 ? "neutral" : "wrong");
    });
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", detail.percent);
    set("cmi.core.lesson_status", detail.percent >= detail.pass ? "passed" : "failed");
    suspend();
    api.LMSCommit("");
  }

  /* The exam's score over all its questions, each question an interaction (its id
     and how it went: the exam event carries no answers in SCORM's formats). */
  function reportExam(event) {
    var detail = event.detail;
    var n = Number(api.LMSGetValue("cmi.interactions._count")) || 0;
    detail.questions.forEach(function (q, i) {
      var prefix = "cmi.interactions." + (n + i) + ".";
      set(prefix + "id", q.id);
      set(prefix + "weighting", 1);
      set(prefix + "result", q.score === 1 ? "correct" : q.score > 0 ? "neutral" : "wrong");
    });
    set("cmi.core.score.min", 0);
    set("cmi.core.score.max", 100);
    set("cmi.core.score.raw", detail.percent);
    set("cmi.core.lesson_status", detail.pass ? "passed" : "failed");
    suspend();
    api.LMSCommit("");
  }

  /* exam.js packs an exam page's attempt; progress-sync.js a chapter's quiz records
     and review cards. */
  var keeper = document.querySelector("form.course-exam") ? window.CourseExam : window.CourseProgress;

  function suspend() {
    var text = keeper && keeper.pageState(4096);
    if (text) {
      set("cmi.suspend_data", text);
      set("cmi.core.exit", "suspend");
    }
  }

  function timespan(ms) {
    var s = Math.floor(ms / 1000);
    function pad(v) { return (v < 10 ? "0" : "") + v; }
    return pad(Math.min(9999, Math.floor(s / 3600))) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  function finish() {
    if (finished) { return; }
    finished = true;
    set("cmi.core.session_time", timespan(new Date() - opened));
    suspend();
    api.LMSCommit("");
    api.LMSFinish("");
  }

  api = search(window) || (window.opener ? search(window.opener) : null);
  if (!api || String(api.LMSInitialize("")) !== "true") { return; }
  var status = api.LMSGetValue("cmi.core.lesson_status");
  if (!status || status === "not attempted") {
    /* A chapter without a quiz is done once opened; one with a quiz when it is passed. */
    set("cmi.core.lesson_status", document.querySelector("form.course-quiz[data-quiz], form.course-exam")
      ? "incomplete" : "completed");
    api.LMSCommit("");
  }
  if (keeper) { keeper.restorePage(api.LMSGetValue("cmi.suspend_data")); }
  document.addEventListener("course-quiz:submitted", report);
  document.addEventListener("course-quiz:graded", suspend);
  document.addEventListener("course-exam:submitted", reportExam);
  document.addEventListener("course-exam:saved", suspend);
  window.addEventListener("pagehide", finish);
  window.addEventListener("unload", finish);
})();
