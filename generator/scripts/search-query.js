/* Course search: turn what a reader types into the Lunr query Material's
 * search worker runs. generator/search.py prepends this file (and the course
 * synonyms as self.courseSearchSynonyms) to Material's worker and calls
 * courseSearch.rewrite where Material segmented Chinese queries itself.
 *
 * - Synonyms first: 6西格玛, 6σ and 西格玛 become 六西格玛, the course's word.
 * - A run of Chinese characters is cut into the words of the search index,
 *   finest first (客户满意度 -> 客户 + 满意度), so a query also finds pages
 *   where the words stand apart; characters that are no index word on their
 *   own stay together (西格玛 is searched as one piece, inside 六西格玛).
 * - Every word is required, so each word added narrows the results, and each
 *   is matched anywhere inside an index word (大客户 contains 客户).
 * - Latin words are stemmed as the index was and matched as prefixes.
 */
(function () {
  "use strict";

  var HAN = /\p{sc=Han}/u;
  var PARTS = /\p{sc=Han}+|(?:(?!\p{sc=Han})[\p{L}\p{N}])+/gu;
  /* Words that carry no meaning in a question: 如何处理投诉 looks for 处理 and 投诉. */
  var FILLERS = new Set([
    "的", "了", "和", "与", "及", "或", "是", "在", "吗", "呢", "啊", "把", "被", "对",
    "如何", "怎么", "怎样", "什么", "为什么", "哪些", "哪个", "应该", "可以", "需要",
  ]);
  var vocabularies = new WeakMap();
  var plainTexts = new WeakMap();
  /* The query's parts as typed (after synonyms), kept by rewrite for rank. */
  var phrases = [];
  var TITLE_BOOST = 4;
  var TEXT_BOOST = 2;

  /* The index's words written in Chinese characters, longer than one character. */
  function vocabulary(index) {
    var words = vocabularies.get(index);
    if (!words) {
      words = new Set();
      for (var word in index) {
        if (word.length > 1 && HAN.test(word)) words.add(word);
      }
      vocabularies.set(index, words);
    }
    return words;
  }

  /* Replace every known way of writing a term with the course's term, longest first. */
  function applySynonyms(query) {
    var synonyms = self.courseSearchSynonyms || {};
    var longest = 0;
    for (var key in synonyms) longest = Math.max(longest, key.length);
    var out = "";
    for (var i = 0; i < query.length; ) {
      var found = 0;
      for (var length = Math.min(longest, query.length - i); length > 0; length--) {
        if (Object.prototype.hasOwnProperty.call(synonyms, query.slice(i, i + length))) {
          found = length;
          break;
        }
      }
      if (found) {
        out += synonyms[query.slice(i, i + found)];
        i += found;
      } else {
        out += query[i];
        i += 1;
      }
    }
    return out;
  }

  /* Cut a run of Chinese characters into index words: fewest characters left
   * over first, then as many words as possible; left-over characters next to
   * each other stay one piece. */
  function segment(run, words) {
    var best = [{ loose: 0, count: 0, cut: [] }];
    for (var end = 1; end <= run.length; end++) {
      var choice = null;
      for (var start = 0; start < end; start++) {
        var piece = run.slice(start, end);
        var known = piece.length > 1 && words.has(piece);
        if (!known && piece.length > 1) continue;
        var before = best[start];
        var candidate = {
          loose: before.loose + (known ? 0 : 1),
          count: before.count + 1,
          cut: before.cut.concat([{ text: piece, known: known }]),
        };
        if (
          !choice ||
          candidate.loose < choice.loose ||
          (candidate.loose === choice.loose && candidate.count > choice.count)
        ) {
          choice = candidate;
        }
      }
      best.push(choice);
    }
    var pieces = [];
    best[run.length].cut.forEach(function (piece) {
      var last = pieces[pieces.length - 1];
      var loose = !piece.known && !FILLERS.has(piece.text);
      if (loose && last && last.loose) last.text += piece.text;
      else pieces.push({ text: piece.text, loose: loose });
    });
    return pieces.map(function (piece) {
      return piece.text;
    });
  }

  /* The stem Lunr's pipeline gives a Latin word, so a prefix of it matches the index. */
  function stem(word) {
    var lunr = self.lunr;
    return lunr && lunr.stemmer ? lunr.stemmer(new lunr.Token(word)).toString() : word;
  }

  /* The form synonyms are listed in (see generator/search.py): NFKC, lower
   * case, no space next to a Chinese character, other spaces single. */
  function normalise(text) {
    return text
      .normalize("NFKC")
      .toLowerCase()
      .replace(/\s*(\p{sc=Han})\s*/gu, "$1")
      .replace(/\s+/g, " ")
      .trim();
  }

  function rewrite(query, index) {
    var words = vocabulary(index);
    var text = applySynonyms(normalise(query));
    var clauses = [];
    phrases = text.match(PARTS) || [];
    phrases.forEach(function (part) {
      if (HAN.test(part)) {
        var pieces = segment(part, words).filter(function (piece) {
          return !FILLERS.has(piece);
        });
        /* A lone character beside words (表 in 每日销售报告表) would match
         * every word holding it; the phrase boost in rank covers it instead. */
        var longer = pieces.filter(function (piece) {
          return piece.length > 1;
        });
        (longer.length ? longer : pieces).forEach(function (piece) {
          clauses.push("+*" + piece + "*");
        });
      } else {
        clauses.push("+" + stem(part) + "*");
      }
    });
    return clauses.join(" ");
  }

  /* A document's title and text as a reader sees them: no tags, no word breaks. */
  function plain(doc) {
    var texts = plainTexts.get(doc);
    if (!texts) {
      texts = [doc.title, doc.text].map(function (value) {
        return normalise((value || "").replace(/<[^>]*>/g, "").replace(/\u200b/g, ""));
      });
      plainTexts.set(doc, texts);
    }
    return texts;
  }

  function containsAll(text) {
    return phrases.every(function (phrase) {
      return text.indexOf(phrase) !== -1;
    });
  }

  /* Raise the score of results that hold every part of the query as typed. */
  function rank(results, documents) {
    if (!phrases.length) return results;
    results.forEach(function (result) {
      var doc = documents.get(result.ref);
      if (!doc) return;
      var texts = plain(doc);
      if (containsAll(texts[0])) result.score *= TITLE_BOOST;
      else if (containsAll(texts[1])) result.score *= TEXT_BOOST;
    });
    return results;
  }

  self.courseSearch = { rewrite: rewrite, rank: rank };
})();
