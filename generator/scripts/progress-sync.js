/* Progress that moves between devices: the quiz records (quiz.js) and the review
   schedule (review.js) as one state, exported as a JSON file, imported and merged,
   packed small for a QR code's link and for SCORM's cmi.suspend_data (scorm.js).
   Merging goes question by question (quiz id, question id): of two results for
   the same question the one for the question's current version (content hash)
   wins, then the newer one (t); a quiz's attempts and best score are the higher
   of the two, its last score the newer. Nothing leaves the browser. */
(function () {
  "use strict";

  var quiz = window.CourseQuiz;
  var review = window.CourseReview;
  if (!quiz || !review) { return; }
  var FORMAT = "course-progress";
  var VERSION = 1;
  var EPOCH = Date.UTC(2024, 0, 1);
  /* The most bytes a QR code holds (version 40, level L, byte mode). */
  var QR_LIMIT = 2953;
  var LINK = "#progress=";
  var here = document.currentScript ? document.currentScript.src : "";

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function isObject(value) {
    return Boolean(value) && typeof value === "object" && !Array.isArray(value);
  }

  /* ---- The state: {quizzes: {quiz id: record}, review: {quiz/question: card item}}. */

  function quizIds() {
    var ids = [];
    try {
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var key = window.localStorage.key(i);
        if (key.indexOf(quiz.PREFIX) === 0 && key.indexOf("~") < 0) { ids.push(key.slice(quiz.PREFIX.length)); }
      }
    } catch (error) {
      ids = [];
    }
    return ids.sort();
  }

  function collect(only) {
    var state = { quizzes: {}, review: {} };
    quizIds().forEach(function (id) {
      if (!only || only.indexOf(id) >= 0) { state.quizzes[id] = quiz.load(id); }
    });
    var items = review.load();
    Object.keys(items).forEach(function (key) {
      if (!only || only.indexOf(key.split("/")[0]) >= 0) { state.review[key] = items[key]; }
    });
    return state;
  }

  /* The current content hash of each question id the page lists, if it lists any. */
  function currentHashes() {
    var current = {};
    all(document, ".course-progress tr[data-questions]").forEach(function (row) {
      row.dataset.questions.trim().split(/\s+/).forEach(function (pair) {
        var parts = pair.split(":");
        current[parts[0]] = parts[1];
      });
    });
    return current;
  }

  function pick(mine, theirs, hash) {
    if (!isObject(mine)) { return isObject(theirs) ? theirs : undefined; }
    if (!isObject(theirs)) { return mine; }
    if (hash && mine.h !== theirs.h) {
      if (mine.h === hash) { return mine; }
      if (theirs.h === hash) { return theirs; }
    }
    return (Number(theirs.t) || 0) > (Number(mine.t) || 0) ? theirs : mine;
  }

  function mergeRecord(mine, theirs, current) {
    var merged = { q: {}, attempts: Math.max(mine.attempts, Number(theirs.attempts) || 0),
      best: Math.max(mine.best, Number(theirs.best) || 0) };
    var newer = String(theirs.date || "") > String(mine.date || "") ? theirs : mine;
    if (newer.date) { merged.date = newer.date; }
    if (newer.last !== undefined) { merged.last = newer.last; } else if (mine.last !== undefined) { merged.last = mine.last; }
    /* The last submitted score the quiz page shows (quiz.js), with the newer attempt. */
    var result = isObject(newer.result) ? newer.result : mine.result;
    if (isObject(result)) { merged.result = result; }
    var q = isObject(theirs.q) ? theirs.q : {};
    Object.keys(mine.q).concat(Object.keys(q)).forEach(function (id) {
      var kept = pick(mine.q[id], q[id], current[id]);
      if (kept) { merged.q[id] = kept; }
    });
    return merged;
  }

  /* Merge a state into this browser's storage. */
  function merge(state, current) {
    current = current || currentHashes();
    Object.keys(state.quizzes).forEach(function (id) {
      quiz.save(id, mergeRecord(quiz.load(id), state.quizzes[id], current));
    });
    var items = review.load();
    Object.keys(state.review).forEach(function (key) {
      var kept = pick(items[key], state.review[key], current[key.split("/")[1]]);
      if (kept && isObject(kept.c)) { items[key] = kept; }
    });
    review.save(items);
  }

  /* A state read from outside, or null when it is not one. */
  function checked(state) {
    if (!isObject(state) || !isObject(state.quizzes) || !isObject(state.review)) { return null; }
    var ids = /^[a-z0-9-]+$/;
    var fine = Object.keys(state.quizzes).every(function (id) {
      var record = state.quizzes[id];
      return ids.test(id) && isObject(record) && (record.q === undefined || isObject(record.q));
    }) && Object.keys(state.review).every(function (key) {
      return /^[a-z0-9-]+\/[a-z0-9-]+$/.test(key) && isObject(state.review[key]);
    });
    return fine ? state : null;
  }

  /* ---- Compact form: short keys, times in seconds since 2024, question ids
     without their quiz's prefix; answers left out when asked. */

  function seconds(ms) { return Math.floor((Number(ms) - EPOCH) / 1000); }
  function millis(s) { return EPOCH + Number(s) * 1000; }
  function iso(value) { return value ? seconds(new Date(value).getTime()) : 0; }
  function fromIso(s) { return s ? new Date(millis(s)).toISOString() : undefined; }
  function round(x) { return Math.round(Number(x) * 1000) / 1000; }

  function shortId(quizId, id) {
    return id.indexOf(quizId + "-") === 0 ? id.slice(quizId.length + 1) : "=" + id;
  }

  function longId(quizId, id) {
    return id.charAt(0) === "=" ? id.slice(1) : quizId + "-" + id;
  }

  function pack(state, answers) {
    var out = { v: VERSION, q: {}, r: {} };
    Object.keys(state.quizzes).forEach(function (id) {
      var record = state.quizzes[id];
      var questions = {};
      Object.keys(record.q).forEach(function (qid) {
        var saved = record.q[qid];
        if (!isObject(saved)) { return; }
        questions[shortId(id, qid)] = [saved.h, round(saved.s), answers ? saved.a : 0, seconds(saved.t || EPOCH)];
      });
      var result = isObject(record.result) ? [record.result.p, record.result.n, record.result.f] : 0;
      out.q[id] = [record.attempts, record.best, record.last === undefined ? -1 : record.last, iso(record.date), questions,
        result];
    });
    Object.keys(state.review).forEach(function (key) {
      var parts = key.split("/");
      var item = state.review[key];
      var c = item.c;
      out.r[parts[0]] = out.r[parts[0]] || {};
      out.r[parts[0]][shortId(parts[0], parts[1])] = [item.h, iso(c.due), round(c.stability), round(c.difficulty),
        c.reps, c.lapses, c.state, iso(c.last_review), c.scheduled_days, c.elapsed_days, c.learning_steps,
        seconds(item.t || EPOCH)];
    });
    return JSON.stringify(out);
  }

  function unpack(text) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return null;
    }
    if (!isObject(data) || data.v !== VERSION || !isObject(data.q) || !isObject(data.r)) { return null; }
    var state = { quizzes: {}, review: {} };
    try {
      Object.keys(data.q).forEach(function (id) {
        var row = data.q[id];
        var record = { attempts: Number(row[0]) || 0, best: Number(row[1]) || 0, q: {} };
        if (row[2] >= 0) { record.last = row[2]; }
        if (row[3]) { record.date = fromIso(row[3]); }
        if (Array.isArray(row[5])) {
          record.result = { p: Number(row[5][0]), n: Number(row[5][1]), f: Number(row[5][2]) };
        }
        Object.keys(row[4] || {}).forEach(function (qid) {
          var saved = row[4][qid];
          var entry = { h: String(saved[0]), s: Number(saved[1]), t: millis(saved[3]) };
          if (Array.isArray(saved[2])) { entry.a = saved[2]; }
          record.q[longId(id, qid)] = entry;
        });
        state.quizzes[id] = record;
      });
      Object.keys(data.r).forEach(function (id) {
        Object.keys(data.r[id]).forEach(function (qid) {
          var row = data.r[id][qid];
          state.review[id + "/" + longId(id, qid)] = { h: String(row[0]), t: millis(row[11]), c: {
            due: fromIso(row[1]), stability: row[2], difficulty: row[3], reps: row[4], lapses: row[5],
            state: row[6], last_review: fromIso(row[7]), scheduled_days: row[8], elapsed_days: row[9],
            learning_steps: row[10]
          } };
        });
      });
    } catch (error) {
      return null;
    }
    return checked(state);
  }

  /* ---- The state of this page's quizzes, for an LMS's suspend data (scorm.js):
     packed within `limit` characters, without the answers if need be; "" when
     nothing is stored or it does not fit. */

  function pageState(limit) {
    var ids = all(document, "form.course-quiz[data-quiz]").map(function (form) { return form.dataset.quiz; });
    var state = collect(ids);
    if (!ids.length || !Object.keys(state.quizzes).length && !Object.keys(state.review).length) { return ""; }
    var text = pack(state, true);
    if (text.length > limit) { text = pack(state, false); }
    return text.length > limit ? "" : text;
  }

  function restorePage(text) {
    var state = unpack(text || "");
    if (!state) { return; }
    var current = {};
    all(document, ".course-quiz__question").forEach(function (el) { current[el.dataset.id] = el.dataset.hash; });
    merge(state, current);
  }

  /* ---- Text <-> base64url, through UTF-8 (answers to fill-in blanks may be Chinese). */

  function toBase64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64(text) {
    try {
      var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (error) {
      return null;
    }
  }

  /* ---- 我的进度: export, import, link and QR code. */

  function say(panel, message) {
    panel.querySelector(".course-sync__message").textContent = message;
  }

  function refresh() {
    quiz.showProgress();
    review.showCounts();
  }

  function today() { return quiz.localDate(new Date().toISOString()); }

  function exportFile() {
    var state = collect();
    var file = { format: FORMAT, version: VERSION, exported: new Date().toISOString(),
      quizzes: state.quizzes, review: state.review };
    var blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "学习进度-" + today() + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  function importText(panel, text) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      say(panel, "导入失败：这个文件不是有效的 JSON，进度没有改变。");
      return;
    }
    var state = isObject(data) && data.format === FORMAT && data.version === VERSION ? checked(data) : null;
    if (!state) {
      say(panel, "导入失败：这个文件不是本课程导出的进度文件，进度没有改变。");
      return;
    }
    merge(state);
    refresh();
    say(panel, "已导入并合并：" + Object.keys(state.quizzes).length + " 套自测的记录、" +
      Object.keys(state.review).length + " 道复习题。同一道题保留较新的结果。");
  }

  function link() {
    return location.href.split("#")[0] + LINK + toBase64(pack(collect(), true));
  }

  function withQrLibrary(done) {
    if (window.qrcode) { done(); return; }
    var script = document.createElement("script");
    script.src = new URL("qrcode.js", here).href;
    script.onload = done;
    document.head.appendChild(script);
  }

  function showQr(panel) {
    var box = panel.querySelector(".course-sync__qr");
    box.textContent = "";
    var text = link();
    if (location.protocol === "file:") {
      say(panel, "从本地文件打开课程时，二维码里的链接在其他设备上打不开，请改用“导出进度文件”。");
      return;
    }
    if (text.length > QR_LIMIT) {
      say(panel, "进度数据有 " + text.length + " 个字符，超过一个二维码能容纳的 " + QR_LIMIT +
        " 个，无法生成二维码，请改用“导出进度文件”。");
      return;
    }
    withQrLibrary(function () {
      var code = window.qrcode(0, "L");
      code.addData(text, "Byte");
      code.make();
      box.innerHTML = code.createSvgTag({ cellSize: 3, margin: 12, scalable: true,
        alt: "学习进度二维码：用另一台设备扫描后打开链接，即可导入进度" });
      say(panel, "用另一台设备扫描二维码并打开链接，再在那里的“我的进度”页确认导入（" + text.length + " 个字符）。");
    });
  }

  /* A link from a QR code: offer to merge what it carries. */
  function offerLink(panel) {
    if (location.hash.indexOf(LINK) !== 0) { return; }
    var state = unpack(fromBase64(location.hash.slice(LINK.length)) || "");
    var offer = panel.querySelector(".course-sync__offer");
    if (!state) {
      say(panel, "这个链接里的进度数据无法读取，进度没有改变。");
      return;
    }
    offer.hidden = false;
    offer.querySelector("button").addEventListener("click", function () {
      merge(state);
      refresh();
      offer.hidden = true;
      history.replaceState(null, "", location.href.split("#")[0]);
      say(panel, "已从链接导入并合并进度。");
    });
  }

  function init() {
    var panel = document.querySelector(".course-sync");
    if (!panel || panel.dataset.ready) { return; }
    panel.dataset.ready = "1";
    panel.hidden = false;
    panel.querySelector(".course-sync__export").addEventListener("click", exportFile);
    panel.querySelector(".course-sync__show-qr").addEventListener("click", function () { showQr(panel); });
    panel.querySelector(".course-sync__file").addEventListener("change", function (event) {
      var file = event.target.files[0];
      if (!file) { return; }
      file.text().then(function (text) {
        importText(panel, text);
        event.target.value = "";
      });
    });
    offerLink(panel);
  }

  window.CourseProgress = {
    collect: collect, merge: merge, pack: pack, unpack: unpack, pageState: pageState, restorePage: restorePage
  };

  quiz.onPage(init);
})();
