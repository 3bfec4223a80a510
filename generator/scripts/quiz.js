/* Scores the course's self-check quizzes in the browser and shows feedback.
   Results are kept in localStorage only, for the reader's own progress. */
(function () {
  "use strict";

  var STORAGE_PREFIX = "course-quiz:";

  function questionsOf(form) {
    return Array.prototype.slice.call(form.querySelectorAll(".course-quiz__question"));
  }

  function inputsOf(question) {
    return Array.prototype.slice.call(question.querySelectorAll("input"));
  }

  function optionText(input) {
    return input.parentNode.querySelector(".course-quiz__text").textContent;
  }

  function clear(form) {
    questionsOf(form).forEach(function (question) {
      question.classList.remove("is-correct", "is-wrong", "is-unanswered");
      question.querySelectorAll(".course-quiz__feedback, .course-quiz__explanation")
        .forEach(function (node) { node.hidden = true; });
    });
    form.querySelector(".course-quiz__result").hidden = true;
  }

  function grade(question) {
    var inputs = inputsOf(question);
    var correct = inputs.every(function (input) {
      return input.checked === input.hasAttribute("data-correct");
    });
    var answers = inputs.filter(function (input) { return input.hasAttribute("data-correct"); })
      .map(optionText);
    question.classList.add(correct ? "is-correct" : "is-wrong");
    question.querySelector(".course-quiz__verdict").textContent = correct
      ? "回答正确。"
      : "回答错误。正确答案：" + answers.join("；");
    inputs.forEach(function (input) {
      var feedback = question.querySelector('.course-quiz__feedback[data-option="' + input.value + '"]');
      if (feedback && input.checked) { feedback.hidden = false; }
    });
    question.querySelector(".course-quiz__explanation").hidden = false;
    return correct;
  }

  function save(form, score, total) {
    try {
      window.localStorage.setItem(STORAGE_PREFIX + form.dataset.quizId, JSON.stringify({
        score: score, total: total, date: new Date().toISOString()
      }));
    } catch (error) {
      /* Storage can be disabled (private mode); scoring still works. */
    }
  }

  function submit(form) {
    clear(form);
    var questions = questionsOf(form);
    var result = form.querySelector(".course-quiz__result");
    var unanswered = questions.filter(function (question) {
      return !inputsOf(question).some(function (input) { return input.checked; });
    });
    result.hidden = false;
    if (unanswered.length) {
      unanswered.forEach(function (question) { question.classList.add("is-unanswered"); });
      result.textContent = "还有 " + unanswered.length + " 道题没有作答，请全部完成后再提交。";
      unanswered[0].scrollIntoView({ block: "center" });
      return;
    }
    var score = questions.filter(grade).length;
    var percent = percentOf({ score: score, total: questions.length });
    var pass = Number(form.dataset.passPercent);
    result.textContent = "得分：" + score + " / " + questions.length + "（" + percent + "%）。" +
      (percent >= pass
        ? "恭喜，已通过本章自测。"
        : "未达到 " + pass + "% 的通过线，建议看完每题讲解、复习本章后再试一次。");
    save(form, score, questions.length);
  }

  function percentOf(result) {
    return Math.round((result.score / result.total) * 100);
  }

  /* Fill each progress cell on the quiz index from the stored results. */
  function showProgress() {
    document.querySelectorAll(".course-progress[data-quiz-id]").forEach(function (cell) {
      var result = null;
      try {
        result = JSON.parse(window.localStorage.getItem(STORAGE_PREFIX + cell.dataset.quizId));
      } catch (error) {
        return;
      }
      if (!result) { return; }
      var percent = percentOf(result);
      var passed = percent >= Number(cell.dataset.passPercent);
      cell.textContent = result.score + " / " + result.total + "（" + percent + "%）" +
        (passed ? "，已通过" : "，未通过") + " · " + result.date.slice(0, 10);
      cell.classList.add(passed ? "is-passed" : "is-failed");
    });
  }

  function init() {
    showProgress();
    document.querySelectorAll("form.course-quiz").forEach(function (form) {
      if (form.dataset.ready) { return; }
      form.dataset.ready = "true";
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        submit(form);
      });
      form.addEventListener("reset", function () { clear(form); });
    });
  }

  /* Material's document$ emits on every page load, including instant navigation. */
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
