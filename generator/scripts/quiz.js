/* Self-check quizzes: scoring with feedback, progress (我的进度) and review (错题本).
   Each question carries its answer key as JSON (out of the search index); one
   grader per question type reads, restores and scores an answer. Results are kept
   in localStorage only, keyed by quiz id, question id and a hash of the question's
   content, so an edited question never brings back an answer given to the old one. */
(function () {
  "use strict";

  /* A quiz's record is PREFIX + its id. Ids are lowercase letters, digits and "-",
     so the script's own keys hold a character no id can ("~"): no quiz can take one. */
  var PREFIX = "course-quiz:v2:";
  var PROBE = PREFIX + "~probe";
  var storable = true;

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* ---- Storage: a record per quiz; anything unreadable counts as nothing stored. */

  function load(quiz) {
    var record = null;
    try {
      record = JSON.parse(window.localStorage.getItem(PREFIX + quiz));
    } catch (error) {
      record = null;
    }
    if (!record || typeof record !== "object" || Array.isArray(record)) { record = {}; }
    if (!record.q || typeof record.q !== "object") { record.q = {}; }
    record.attempts = Number(record.attempts) || 0;
    record.best = Number(record.best) || 0;
    return record;
  }

  function save(quiz, record) {
    try {
      window.localStorage.setItem(PREFIX + quiz, JSON.stringify(record));
    } catch (error) {
      storable = false;
      showStorageNotice();
    }
  }

  function probeStorage() {
    try {
      window.localStorage.setItem(PROBE, "1");
      window.localStorage.removeItem(PROBE);
    } catch (error) {
      storable = false;
    }
    showStorageNotice();
  }

  function showStorageNotice() {
    all(document, ".course-quiz__storage").forEach(function (notice) { notice.hidden = storable; });
  }

  /* The stored result of a question, if it was given to this version of it. */
  function entry(record, id, hash) {
    var saved = record.q[id];
    return saved && typeof saved === "object" && saved.h === hash ? saved : null;
  }

  function localDate(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return "—"; }
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  /* ---- Graders: read an answer from the page, put one back, score it (0 to 1)
     and describe the right answer. One per question type. */

  /* Matching for fill-in blanks ignores width, case, spaces and punctuation. */
  function normalise(value) {
    return String(value).normalize("NFKC").toLowerCase().replace(/[\s\p{P}]/gu, "");
  }

  /* ---- Number blanks: what was typed, read as a value and a unit; null when it
     is not a number. Digits keep their point and sign (4.5 is not 45); full-width
     digits, thousands separators (1,500) and simple Chinese numerals (一百, 一千五)
     are read; a percentage may be written 百分之八十 or 八成, money with ¥ or ￥. */
  var CHINESE_DIGITS = { "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9 };
  var CHINESE_UNITS = { "十": 10, "百": 100, "千": 1000 };
  var DIGITS = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/;
  var CHINESE = /^[零〇一二两三四五六七八九十百千万]+(?:点[零〇一二两三四五六七八九]+)?/;

  function chineseWhole(text) {
    var total = 0;
    var section = 0;
    var digit = null;
    var lastUnit = 0;
    for (var i = 0; i < text.length; i += 1) {
      var c = text.charAt(i);
      if (c in CHINESE_DIGITS) {
        if (digit !== null && digit !== 0) { return null; }
        digit = CHINESE_DIGITS[c];
        if (digit === 0) { lastUnit = 0; }
      } else if (c in CHINESE_UNITS) {
        if (digit === 0) { return null; }
        section += (digit === null ? 1 : digit) * CHINESE_UNITS[c];
        lastUnit = CHINESE_UNITS[c];
        digit = null;
      } else if (c === "万") {
        total = (total + section + (digit || 0)) * 10000;
        section = 0;
        digit = null;
        lastUnit = 10000;
      } else {
        return null;
      }
    }
    /* 一千五 is 1500, 两万五 25000: a last digit right after a unit counts in the next unit down. */
    if (digit) { section += lastUnit >= 10 ? digit * lastUnit / 10 : digit; }
    return total + section;
  }

  function chineseNumber(text) {
    var parts = text.split("点");
    var whole = chineseWhole(parts[0]);
    if (whole === null || parts.length > 2) { return null; }
    var fraction = (parts[1] || "").split("").map(function (c) { return CHINESE_DIGITS[c]; }).join("");
    return fraction ? Number(whole + "." + fraction) : whole;
  }

  /* {value, unit} of what was typed, or null. */
  function readNumber(typed, rule) {
    var rest = String(typed).normalize("NFKC").replace(/\s+/g, "").replace(/[。.,、;!?]+$/, "");
    var scale = 1;
    if (rule.money) { rest = rest.replace(/^¥/, ""); }
    if (rule.percent) {
      if (rest.indexOf("百分之") === 0) { rest = rest.slice(3) + "%"; }
      var tenths = /^(.+?)成(.*)$/.exec(rest);
      if (tenths) {
        var extra = tenths[2] ? readNumber(tenths[2], { units: [] }) : { value: 0, unit: "" };
        if (!extra || extra.unit || extra.value >= 10) { return null; }
        rest = tenths[1];
        scale = 10;
      }
    }
    var digits = DIGITS.exec(rest);
    var chinese = digits ? null : CHINESE.exec(rest);
    var value = digits ? Number(digits[0].replace(/,/g, "")) : chinese ? chineseNumber(chinese[0]) : null;
    if (value === null || isNaN(value)) { return null; }
    var number = { value: value * scale, unit: rest.slice((digits || chinese)[0].length) };
    if (scale !== 1) {
      if (number.unit) { return null; }
      number.value += extra.value;
      number.unit = "%";
    }
    return number;
  }

  function sameNumber(a, b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  }

  function numberMatches(rule, typed) {
    var number = readNumber(typed, rule);
    return Boolean(number) && sameNumber(number.value, rule.number) &&
      (number.unit === "" || rule.units.indexOf(number.unit) >= 0);
  }

  function blankMatches(accepted, rule, typed) {
    if (rule) { return numberMatches(rule, typed); }
    return accepted.some(function (a) { return normalise(a) === normalise(typed); });
  }

  function optionLabel(el, key) {
    var input = el.querySelector('input[value="' + key + '"]');
    return input ? text(input.parentNode) : "";
  }

  function keysWhere(key, test) {
    return key.options.filter(test).map(function (option) { return option.key; });
  }

  function choice(score, right) {
    return {
      read: function (el) {
        var picked = all(el, "input:checked").map(function (input) { return input.value; });
        return picked.length ? picked : null;
      },
      write: function (el, answer) {
        all(el, "input").forEach(function (input) { input.checked = answer.indexOf(input.value) >= 0; });
      },
      score: score,
      right: right || function (el, key) {
        return "正确答案：" + keysWhere(key, function (o) { return o.correct; })
          .map(function (k) { return optionLabel(el, k); }).join("；");
      }
    };
  }

  /* A grader that words its verdict itself (instead of right, partly right or wrong). */
  function verdict(grader, say) {
    grader.verdict = say;
    return grader;
  }

  function isCorrect(key, pick) {
    return key.options.some(function (o) { return o.key === pick && o.correct; });
  }

  function blanks(el) { return all(el, ".course-quiz__blank"); }
  function selects(el) { return all(el, "select"); }
  function orderItems(el) { return all(el, ".course-quiz__order > li"); }

  function fraction(values, test) {
    return values.filter(test).length / values.length;
  }

  var graders = {
    single: choice(function (key, answer) { return isCorrect(key, answer[0]) ? 1 : 0; }),
    truefalse: verdict(choice(function (key, answer) { return isCorrect(key, answer[0]) ? 1 : 0; },
      function () { return ""; }), function (key, score) {
      return (score === 1 ? "判断正确：" : "判断有误：") + "这句话是" +
        (isCorrect(key, "true") ? "正确" : "错误") + "的。";
    }),
    multiple: choice(function (key, answer) {
      var points = 0;
      answer.forEach(function (pick) { points += isCorrect(key, pick) ? 1 : -1; });
      return Math.max(0, points) / keysWhere(key, function (o) { return o.correct; }).length;
    }),
    judgement: choice(function (key, answer) {
      var option = key.options.filter(function (o) { return o.key === answer[0]; })[0];
      return option ? option.score / 100 : 0;
    }, function (el, key) {
      return "最好的做法：" + optionLabel(el, keysWhere(key, function (o) { return o.score === 100; })[0]);
    }),
    fill: {
      read: function (el) {
        var values = blanks(el).map(function (input) { return input.value; });
        return values.some(function (v) { return v.trim(); }) ? values : null;
      },
      write: function (el, answer) {
        blanks(el).forEach(function (input, i) { input.value = String(answer[i] || ""); });
      },
      score: function (key, answer) {
        var numbers = key.numbers || [];
        return fraction(key.blanks, function (accepted, i) {
          return blankMatches(accepted, numbers[i], answer[i] || "");
        });
      },
      right: function (el, key) {
        var numbers = key.numbers || [];
        return "参考答案：" + key.blanks.map(function (accepted, i) {
          var rule = numbers[i];
          var units = rule && !rule.percent && !rule.money ? rule.units : [];
          var also = units.length ? "（单位可写：" + units.join("、") + "）"
            : !rule && accepted.length > 1 ? "（也可：" + accepted.slice(1).join("、") + "）" : "";
          return "第 " + (i + 1) + " 空 " + (rule ? rule.shown : accepted[0]) + also;
        }).join("；");
      }
    },
    order: {
      /* Always shuffled, never into the right order. */
      sequence: true,
      /* Unanswered until the learner moved something: the shuffled order is not an answer. */
      read: function (el) {
        return el.dataset.moved ? orderItems(el).map(function (li) { return li.dataset.key; }) : null;
      },
      write: function (el, answer) {
        var list = el.querySelector(".course-quiz__order");
        el.dataset.moved = "1";
        answer.forEach(function (k) {
          var li = list.querySelector('li[data-key="' + k + '"]');
          if (li) { list.appendChild(li); }
        });
      },
      score: function (key, answer) { return answer.join() === key.order.join() ? 1 : 0; },
      right: function (el, key) {
        return "正确顺序：" + key.order.map(function (k) {
          return text(el.querySelector('li[data-key="' + k + '"] .course-quiz__item'));
        }).join(" → ");
      }
    },
    match: {
      read: function (el) {
        var values = selects(el).map(function (s) { return s.value; });
        return values.some(Boolean) ? values : null;
      },
      write: function (el, answer) {
        selects(el).forEach(function (s, i) { s.value = String(answer[i] || ""); });
      },
      score: function (key, answer) {
        return fraction(key.pairs, function (right, i) { return answer[i] === right; });
      },
      mark: markPairs,
      right: function (el, key) {
        return "正确配对：" + selects(el).map(function (s, i) {
          var option = s.querySelector('option[value="' + key.pairs[i] + '"]');
          return text(el.querySelector('label[for="' + s.id + '"]')) + " — " + text(option);
        }).join("；");
      }
    }
  };

  /* ---- One question on the page. */

  function keyOf(el) {
    if (!el.courseKey) {
      el.courseKey = JSON.parse(el.querySelector(".course-quiz__key").textContent);
    }
    return el.courseKey;
  }

  function shuffle(el) {
    var list = el.querySelector(".course-quiz__options, .course-quiz__order");
    var sequence = graders[el.dataset.type].sequence;
    if (!list || el.dataset.shuffle !== "1" && !sequence) { return; }
    var items = all(list, ":scope > *");
    for (var tries = 0; tries < 5; tries += 1) {
      for (var i = items.length - 1; i > 0; i -= 1) {
        var j = Math.floor(Math.random() * (i + 1));
        var swap = items[i]; items[i] = items[j]; items[j] = swap;
      }
      var keys = items.map(function (li) { return li.dataset.key; });
      if (!sequence || keys.join() !== keyOf(el).order.join()) { break; }
    }
    items.forEach(function (item) { list.appendChild(item); });
  }

  function reset(el) {
    el.classList.remove("is-correct", "is-partial", "is-wrong", "is-unanswered");
    all(el, "input").forEach(function (input) {
      input.checked = false;
      if (input.type === "text") { input.value = ""; }
    });
    selects(el).forEach(function (s) { s.value = ""; });
    clearMarks(el);
    delete el.dataset.moved;
    putDown(el);
    var outcome = el.querySelector(".course-quiz__outcome");
    outcome.hidden = true;
    outcome.textContent = "";
    shuffle(el);
  }

  function paragraph(parent, className, content) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = content;
    parent.appendChild(p);
  }

  function block(parent, className, html) {
    if (!html) { return; }
    var div = document.createElement("div");
    div.className = className;
    div.innerHTML = html; /* sanitised at build time */
    parent.appendChild(div);
  }

  /* Score the question, show its verdict and teaching; null when unanswered. */
  function grade(el) {
    var grader = graders[el.dataset.type];
    var key = keyOf(el);
    var answer = grader.read(el);
    var outcome = el.querySelector(".course-quiz__outcome");
    el.classList.remove("is-correct", "is-partial", "is-wrong", "is-unanswered");
    clearMarks(el);
    if (!answer) {
      el.classList.add("is-unanswered");
      outcome.hidden = true;
      return null;
    }
    var score = grader.score(key, answer);
    if (grader.mark) { grader.mark(el, key, answer); }
    var said = grader.verdict ? grader.verdict(key, score) : score === 1 ? "回答正确。" : score > 0
      ? "部分正确：本题得 " + Math.round(score * 100) + "%。" : "回答错误。";
    outcome.textContent = "";
    paragraph(outcome, "course-quiz__verdict", said);
    var right = score === 1 ? "" : grader.right(el, key);
    if (right) { paragraph(outcome, "course-quiz__right", right); }
    (key.options || []).forEach(function (option) {
      if (option.feedback && answer.indexOf(option.key) >= 0) {
        paragraph(outcome, "course-quiz__picked", "你选的“" + optionLabel(el, option.key) + "”：");
        block(outcome, "course-quiz__feedback", option.feedback);
      }
    });
    block(outcome, "course-quiz__explanation", key.explanation);
    outcome.hidden = false;
    el.classList.add(score === 1 ? "is-correct" : score > 0 ? "is-partial" : "is-wrong");
    return { a: answer, s: score };
  }

  /* Remember one question's result in its quiz's record. */
  function remember(record, el, result) {
    var now = new Date();
    /* t: so an import keeps the newer result; the event is for review.js. */
    record.q[el.dataset.id] = { h: el.dataset.hash, a: result.a, s: result.s, t: now.getTime() };
    record.date = now.toISOString();
    el.dispatchEvent(new CustomEvent("course-quiz:graded", { bubbles: true, detail: {
      quiz: el.dataset.quiz, id: el.dataset.id, hash: el.dataset.hash, score: result.s
    } }));
  }

  /* A redo on a review page, by the rule it states: once every question of the quiz
     has a result, their mean is an attempt, and the best score if higher. */
  function redone(form, quiz, record) {
    var total = 0;
    var full = 0;
    var els = all(form, '.course-quiz__question[data-quiz="' + quiz + '"]');
    if (!els.every(function (el) {
      var saved = entry(record, el.dataset.id, el.dataset.hash);
      total += saved ? Number(saved.s) : 0;
      full += saved && Number(saved.s) === 1 ? 1 : 0;
      return saved;
    })) { return; }
    record.last = Math.round((total / els.length) * 100);
    record.attempts += 1;
    record.best = Math.max(record.best, record.last);
    /* The quiz's own page then shows this score beside the answers it restores. */
    record.result = { p: record.last, n: els.length, f: full };
  }

  function restore(el, record) {
    var saved = entry(record, el.dataset.id, el.dataset.hash);
    if (!saved || !Array.isArray(saved.a)) { return; }
    try {
      graders[el.dataset.type].write(el, saved.a.map(String));
      grade(el);
    } catch (error) {
      reset(el);
    }
  }

  /* ---- A quiz form: a chapter's quiz, or the review of wrong answers. */

  function questionsOf(form) {
    return all(form, ".course-quiz__question").filter(function (el) {
      return !el.hidden && !(el.parentNode.hidden);
    });
  }

  function numberOf(el) {
    return text(el.querySelector("legend")).split(" · ")[0];
  }

  function announce(form, message) {
    var result = form.querySelector(".course-quiz__result");
    result.textContent = message;
    return result;
  }

  function checkOne(form, el) {
    var result = grade(el);
    if (!result) {
      announce(form, numberOf(el) + "还没有作答。");
      return;
    }
    var record = load(el.dataset.quiz);
    remember(record, el, result);
    save(el.dataset.quiz, record);
    announce(form, numberOf(el) + "：" + text(el.querySelector(".course-quiz__verdict")));
  }

  function submit(form) {
    var questions = questionsOf(form);
    var results = questions.map(grade);
    var missing = questions.filter(function (el, i) { return !results[i]; });
    if (missing.length) {
      announce(form, "还有 " + missing.length + " 道题没有作答，请全部完成后再提交。");
      var first = missing[0].querySelector("input, select, button");
      if (first) { first.focus(); }
      return;
    }
    var records = {};
    questions.forEach(function (el, i) {
      var quiz = el.dataset.quiz;
      records[quiz] = records[quiz] || load(quiz);
      remember(records[quiz], el, results[i]);
    });
    var total = 0;
    var full = 0;
    results.forEach(function (r) { total += r.s; full += r.s === 1 ? 1 : 0; });
    var percent = Math.round((total / questions.length) * 100);
    var message = scoreMessage(form, percent, questions.length, full);
    if (form.dataset.quiz) {
      var record = records[form.dataset.quiz];
      record.attempts += 1;
      record.best = Math.max(record.best, percent);
      record.last = percent;
      record.result = { p: percent, n: questions.length, f: full };
    } else {
      Object.keys(records).forEach(function (quiz) { redone(form, quiz, records[quiz]); });
    }
    Object.keys(records).forEach(function (quiz) { save(quiz, records[quiz]); });
    announce(form, message).focus();
    /* For listeners such as the SCORM package's scorm.js; nothing listens on the site. */
    form.dispatchEvent(new CustomEvent("course-quiz:submitted", { bubbles: true, detail: {
      percent: percent,
      pass: Number(form.dataset.passPercent),
      questions: questions.map(function (el, i) {
        return { id: el.dataset.id, type: el.dataset.type, key: keyOf(el), answer: results[i].a, score: results[i].s };
      })
    } }));
  }

  /* What a review form (data-review="<kind>") shows and says: 错题本 ("") the
     questions last answered wrong; review.js adds 今日复习 ("due"). */
  var reviews = {
    "": {
      keep: function (el, saved) { return saved && Number(saved.s) < 1; },
      summary: function (count) {
        return count ? "共有 " + count + " 道题待重做。" : "错题本是空的：还没有答错的题。";
      }
    }
  };

  /* Review (错题本, 今日复习): show only the questions its kind keeps. */
  function showMistakes(form) {
    var kind = reviews[form.dataset.review] || reviews[""];
    var count = 0;
    all(form, ".course-quiz__group").forEach(function (group) {
      var record = load(group.dataset.quiz);
      var shown = 0;
      all(group, ".course-quiz__question").forEach(function (el) {
        var saved = entry(record, el.dataset.id, el.dataset.hash);
        el.hidden = !kind.keep(el, saved);
        shown += el.hidden ? 0 : 1;
      });
      all(group, ".course-quiz__scenario").forEach(function (stem) {
        stem.hidden = !all(group, '.course-quiz__question[data-scenario="' + stem.dataset.scenario + '"]')
          .some(function (el) { return !el.hidden; });
      });
      group.hidden = !shown;
      count += shown;
    });
    var summary = document.querySelector(".course-review__summary");
    if (summary) { summary.textContent = kind.summary(count); }
    form.querySelector(".course-quiz__actions").hidden = !count;
  }

  /* Fresh questions; on first load, with the answers last given to them. */
  function start(form, restoring) {
    var review = form.hasAttribute("data-review");
    var records = {};
    all(form, ".course-quiz__question").forEach(function (el) {
      reset(el);
      if (restoring && !review) {
        records[el.dataset.quiz] = records[el.dataset.quiz] || load(el.dataset.quiz);
        restore(el, records[el.dataset.quiz]);
      }
    });
    announce(form, "");
    if (review) { showMistakes(form); }
    if (restoring && !review && form.dataset.quiz) { showLastResult(form, load(form.dataset.quiz)); }
  }

  /* ---- Match feedback: a mark after each select, right or wrong with its partner. */

  function markPairs(el, key, answer) {
    selects(el).forEach(function (s, i) {
      var right = answer[i] === key.pairs[i];
      var partner = text(s.querySelector('option[value="' + key.pairs[i] + '"]'));
      var mark = document.createElement("span");
      mark.className = "course-quiz__mark course-quiz__mark--" + (right ? "right" : "wrong");
      mark.textContent = right ? "✓ 配对正确" : (answer[i] ? "✗ 配错了，应为：" : "✗ 没有选，应为：") + partner;
      s.setAttribute("aria-invalid", right ? "false" : "true");
      s.parentNode.appendChild(mark);
    });
  }

  function clearMarks(el) {
    all(el, ".course-quiz__mark").forEach(function (mark) { mark.parentNode.removeChild(mark); });
    selects(el).forEach(function (s) { s.removeAttribute("aria-invalid"); });
  }

  /* ---- Order questions by pointer: drag an item by its grip (mouse, touch and pen
     share Pointer Events), or tap an item to pick it up and tap the item whose place
     it should take. The up/down buttons stay the keyboard way. */

  function itemName(li) {
    return text(li.querySelector(".course-quiz__item"));
  }

  function announcePlace(form, el, li) {
    announce(form, itemName(li) + "：现在是第 " + (orderItems(el).indexOf(li) + 1) + " 项");
  }

  function putDown(el) {
    all(el, ".course-quiz__order > li.is-picked").forEach(function (li) {
      li.classList.remove("is-picked");
      li.querySelector(".course-quiz__grip").setAttribute("aria-pressed", "false");
    });
  }

  function pickUp(form, el, li) {
    putDown(el);
    li.classList.add("is-picked");
    li.querySelector(".course-quiz__grip").setAttribute("aria-pressed", "true");
    announce(form, "已拿起“" + itemName(li) + "”：点它该去的那一项，它就放到那里；再点它一次就放下。");
  }

  /* Move li to target's place: the items between shift by one towards li's old place. */
  function place(li, target) {
    var items = all(li.parentNode, ":scope > li");
    li.parentNode.insertBefore(li, items.indexOf(li) < items.indexOf(target) ? target.nextElementSibling : target);
  }

  /* A click (or tap) on an order item, outside its up/down buttons: pick up, put down
     or place. True when the click was handled here. */
  function tapToPlace(form, event) {
    var li = event.target.closest(".course-quiz__order > li");
    if (!li || event.target.closest(".course-quiz__moves")) { return false; }
    if (form.courseDragEnded && event.detail) {
      form.courseDragEnded = false; /* the click that ends a mouse drag */
      return true;
    }
    var el = li.closest(".course-quiz__question");
    var picked = el.querySelector(".course-quiz__order > li.is-picked");
    if (!picked) {
      pickUp(form, el, li);
    } else if (picked === li) {
      putDown(el);
      announce(form, "已放下“" + itemName(li) + "”。");
    } else {
      putDown(el);
      place(picked, li);
      el.dataset.moved = "1";
      announcePlace(form, el, picked);
    }
    return true;
  }

  function middle(node) {
    var box = node.getBoundingClientRect();
    return box.top + box.height / 2;
  }

  /* Keep the dragged item under the pointer at y; its neighbours change places with
     it as the pointer passes their middle (the dragged node itself never leaves the
     document, so it keeps the pointer capture). */
  function follow(drag, y) {
    var li = drag.li;
    var list = li.parentNode;
    var prev = li.previousElementSibling;
    while (prev && y < middle(prev)) {
      list.insertBefore(prev, li.nextElementSibling);
      prev = li.previousElementSibling;
    }
    var next = li.nextElementSibling;
    while (next && y > middle(next)) {
      list.insertBefore(next, li);
      next = li.nextElementSibling;
    }
    li.style.transform = "";
    var top = li.getBoundingClientRect().top;
    li.style.transform = "translateY(" + (y - drag.offset - top) + "px)";
    var edge = 48;
    if (y < edge) { window.scrollBy(0, -16); } else if (y > window.innerHeight - edge) { window.scrollBy(0, 16); }
  }

  function enableDrag(form) {
    var drag = null;
    form.addEventListener("pointerdown", function (event) {
      form.courseDragEnded = false;
      var grip = event.target.closest(".course-quiz__grip");
      if (!grip || drag || event.button !== 0) { return; }
      var li = grip.closest("li");
      drag = { li: li, id: event.pointerId, start: event.clientY, moved: false,
        offset: event.clientY - li.getBoundingClientRect().top };
      try { grip.setPointerCapture(event.pointerId); } catch (error) { /* pointer already gone */ }
    });
    form.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) { return; }
      if (!drag.moved) {
        if (Math.abs(event.clientY - drag.start) < 6) { return; }
        drag.moved = true;
        putDown(drag.li.closest(".course-quiz__question"));
        drag.li.classList.add("is-dragging");
      }
      event.preventDefault();
      follow(drag, event.clientY);
    });
    function end(event) {
      if (!drag || event.pointerId !== drag.id) { return; }
      var done = drag;
      drag = null;
      done.li.classList.remove("is-dragging");
      done.li.style.transform = "";
      if (!done.moved) { return; }
      form.courseDragEnded = true;
      var el = done.li.closest(".course-quiz__question");
      el.dataset.moved = "1";
      announcePlace(form, el, done.li);
    }
    ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (type) {
      form.addEventListener(type, end);
    });
  }

  /* ---- Keys: Enter on a radio button, check box or select never submits the quiz
     (only the submit button does); Esc puts a picked-up order item down. */

  function keepEnterFromSubmitting(event) {
    if (event.key === "Enter" && event.target.matches("input:not([type=text]), select")) {
      event.preventDefault();
    } else if (event.key === "Escape") {
      var el = event.target.closest(".course-quiz__question");
      if (el) { putDown(el); }
    }
  }

  /* ---- The last attempt and starting again: the score is shown again after a reload;
     重新作答 asks first, then forgets the answers (their scores stay for 错题本 and 我的进度). */

  function scoreMessage(form, percent, count, full) {
    var message = "得分：" + percent + "%（共 " + count + " 题，全对 " + full + " 题）。";
    if (!form.dataset.quiz) { return message; }
    var pass = Number(form.dataset.passPercent);
    return message + (percent >= pass ? "恭喜，已通过本章自测。"
      : "未达到 " + pass + "% 的通过线，建议看完每题讲解、复习本章后再试一次。");
  }

  function showLastResult(form, record) {
    var result = record.result;
    if (!result || typeof result !== "object" || Number(result.n) !== questionsOf(form).length) { return; }
    announce(form, "上次提交的" + scoreMessage(form, Number(result.p), Number(result.n), Number(result.f)));
  }

  function clearAttempt(form) {
    var record = load(form.dataset.quiz);
    all(form, ".course-quiz__question").forEach(function (el) {
      var saved = record.q[el.dataset.id];
      if (saved && typeof saved === "object") { delete saved.a; }
    });
    delete record.result;
    save(form.dataset.quiz, record);
  }

  function retry(form, clear) {
    closeConfirm(form, true);
    if (clear && form.dataset.quiz) { clearAttempt(form); }
    start(form, false);
    var first = questionsOf(form)[0];
    if (first) { first.querySelector("input, select, button").focus(); }
  }

  function askRetry(form, button) {
    var dialog = form.querySelector(".course-quiz__confirm");
    if (!dialog) {
      retry(form, false);
      return;
    }
    dialog.courseOpener = button;
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    dialog.querySelector(".course-quiz__confirm-no").focus();
  }

  function closeConfirm(form, quietly) {
    var dialog = form.querySelector(".course-quiz__confirm");
    if (!dialog || !dialog.hasAttribute("open")) { return; }
    if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); }
    if (!quietly && dialog.courseOpener) { dialog.courseOpener.focus(); }
  }

  function setUp(form) {
    if (form.dataset.ready) { return; }
    form.dataset.ready = "1";
    all(form, ".course-quiz__actions, .course-quiz__check, .course-quiz__moves, .course-quiz__grip")
      .forEach(function (node) { node.hidden = false; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(form);
    });
    form.addEventListener("click", function (event) {
      if (tapToPlace(form, event)) { return; }
      var button = event.target.closest("button");
      if (!button) { return; }
      var el = button.closest(".course-quiz__question");
      if (button.classList.contains("course-quiz__retry")) {
        askRetry(form, button);
      } else if (button.classList.contains("course-quiz__confirm-yes")) {
        retry(form, true);
      } else if (button.classList.contains("course-quiz__confirm-no")) {
        closeConfirm(form);
      } else if (button.classList.contains("course-quiz__check-one")) {
        checkOne(form, el);
      } else if (button.dataset.move) {
        var li = button.closest("li");
        var sibling = Number(button.dataset.move) < 0 ? li.previousElementSibling
          : li.nextElementSibling && li.nextElementSibling.nextElementSibling;
        if (Number(button.dataset.move) < 0 && !sibling) { return; }
        li.parentNode.insertBefore(li, sibling);
        el.dataset.moved = "1";
        button.focus();
        announcePlace(form, el, li);
      }
    });
    /* Enter in a blank checks that question, unless an input method is composing. */
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !event.target.classList.contains("course-quiz__blank") ||
          event.isComposing || event.keyCode === 229) { return; }
      event.preventDefault();
      checkOne(form, event.target.closest(".course-quiz__question"));
    });
    form.addEventListener("keydown", keepEnterFromSubmitting);
    enableDrag(form);
    start(form, true);
  }

  /* 我的进度: fill each chapter's row from its stored record. */
  function showProgress() {
    var rows = all(document, ".course-progress tr[data-quiz]");
    if (!rows.length) { return; }
    var passed = 0;
    var tried = 0;
    rows.forEach(function (row) {
      var record = load(row.dataset.quiz);
      var wrong = row.dataset.questions.trim().split(/\s+/).filter(function (pair) {
        var parts = pair.split(":");
        var saved = entry(record, parts[0], parts[1]);
        return saved && Number(saved.s) < 1;
      }).length;
      var ok = record.attempts > 0 && record.best >= Number(row.dataset.passPercent);
      passed += ok ? 1 : 0;
      tried += record.attempts > 0 ? 1 : 0;
      function set(field, value) { row.querySelector('[data-field="' + field + '"]').textContent = value; }
      set("best", record.attempts ? record.best + "%" : "—");
      set("attempts", String(record.attempts));
      set("date", record.date ? localDate(record.date) : "—");
      set("wrong", wrong ? wrong + " 题" : "—");
      set("status", ok ? "已通过" : record.attempts ? "未通过" : record.date ? "未提交" : "未作答");
      row.className = ok ? "is-passed" : record.attempts ? "is-failed" : "";
    });
    document.querySelector(".course-progress__overall").textContent = "课程完成度：" +
      Math.round((passed / rows.length) * 100) + "%（已通过 " + passed + " / " + rows.length +
      " 套自测，已作答 " + tried + " 套）。";
  }


  function init() {
    probeStorage();
    showProgress();
    all(document, "form.course-quiz").forEach(setUp);
  }

  /* For review.js and progress-sync.js (storage, review kinds, 我的进度) and exam.js
     (which grades exam questions the quizzes' way). */
  window.CourseQuiz = {
    PREFIX: PREFIX, load: load, save: save, entry: entry, localDate: localDate,
    reviews: reviews, showProgress: showProgress,
    graders: graders, grade: grade, keyOf: keyOf, reset: reset
  };

  /* Material's document$ emits on every page load, including instant navigation. */
  function onPage(run) {
    if (typeof window.document$ !== "undefined") {
      window.document$.subscribe(run);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  }

  window.CourseQuiz.onPage = onPage;
  onPage(init);
})();
