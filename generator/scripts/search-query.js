/* Course search: turn what a reader types into the Lunr queries Material's
 * search worker runs, and order the pages found. generator/search.py prepends
 * this file (and the course synonyms as self.courseSearchSynonyms) to
 * Material's worker and calls courseSearch where Material segmented Chinese
 * queries, searched, reported missing words and sorted the results.
 *
 * - Synonyms: each line of the synonym list is one group. The course's word
 *   (the first) is always searched; another way of writing it is searched too
 *   when the index holds it as a word (客诉 finds 投诉 and 客诉, 跟进 also
 *   跟踪); each way is a query of its own and a page counts once, at its best.
 * - A run of Chinese characters is cut into the words of the search index,
 *   finest first (客户满意度 -> 客户 + 满意度), so a query also finds pages
 *   where the words stand apart; characters that are no index word on their
 *   own stay together (西格玛 is searched as one piece, inside 六西格玛).
 * - Every word is required, so each word added narrows the results, and each
 *   is matched anywhere inside an index word (大客户 contains 客户). A single
 *   character left beside longer words is required too, so 区块链 never
 *   finds a page that only has 区块; it adds nothing to the score, since it
 *   is found inside almost any word holding it.
 * - Latin words are stemmed as the index was and matched as prefixes.
 * - Pages come in the order of the summed scores of all their sections: the
 *   chapter that teaches a word uses it in many places, a form or a quiz
 *   named after it in one. Each page kind has its weight (search.boost, see
 *   generator/search.py). One exception: a query that is a page's whole
 *   title (每日销售报告表, 术语表, 我的进度) lists that page first; a term
 *   that is only part of a title (拜访计划, 意向客户) finds the chapter first.
 */
(function () {
  "use strict";

  var HAN = /\p{sc=Han}/u;
  var PARTS = /\p{sc=Han}+|(?:(?!\p{sc=Han})[\p{L}\p{N}])+/gu;
  /* Words that carry no meaning in a question: 如何处理投诉 looks for 处理 and 投诉. */
  var FILLERS = new Set([
    "的", "了", "和", "与", "及", "或", "是", "在", "吗", "呢", "啊", "把", "被", "对",
    "如何", "怎么", "怎样", "什么", "为什么", "哪些", "哪个", "应该", "可以", "需要",
    "怎么办", "怎么样", "什么时候", "是什么", "有哪些", "要", "该", "吧",
  ]);
  var vocabularies = new WeakMap();
  var plainTexts = new WeakMap();
  /* The query's variants (one per way of writing its synonyms), kept by
   * rewrite for search, found and rank: each has its Lunr query, its clause
   * terms and its parts as typed. */
  var variants = [];
  /* Summed score of each page found by the last search, for order. */
  var pageScores = new Map();
  /* Pages whose whole title the last query is (a form's name), for order. */
  var named = new Set();
  var TITLE_BOOST = 10;
  var TEXT_BOOST = 2;
  var MAX_VARIANTS = 12;
  var SENTENCE = 2;

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

  /* The synonym list as groups: the course's word -> every way of writing it. */
  function groups() {
    var synonyms = self.courseSearchSynonyms || {};
    var byTerm = {};
    for (var key in synonyms) {
      (byTerm[synonyms[key]] = byTerm[synonyms[key]] || []).push(key);
    }
    return byTerm;
  }

  /* Whether the index has ``term`` as a word of its own (a Latin one stemmed). */
  function inIndex(term, index) {
    if (HAN.test(term)) return Object.prototype.hasOwnProperty.call(index, term);
    var words = term.match(PARTS) || [];
    return words.length === 1 && Object.prototype.hasOwnProperty.call(index, stem(words[0]));
  }

  /* The query once per way of writing each synonym in it: the course's word
   * first, then the others the index has, longest match first. */
  function applySynonyms(query, index) {
    var synonyms = self.courseSearchSynonyms || {};
    var byTerm = groups();
    var longest = 0;
    for (var key in synonyms) longest = Math.max(longest, key.length);
    var out = [""];
    for (var i = 0; i < query.length; ) {
      var found = 0;
      for (var length = Math.min(longest, query.length - i); length > 0; length--) {
        if (Object.prototype.hasOwnProperty.call(synonyms, query.slice(i, i + length))) {
          found = length;
          break;
        }
      }
      var ways = [query[i]];
      if (found) {
        var term = synonyms[query.slice(i, i + found)];
        ways = [term].concat(
          byTerm[term].filter(function (other) {
            return other !== term && inIndex(other, index);
          })
        );
      }
      var next = [];
      out.forEach(function (start) {
        ways.forEach(function (way) {
          if (next.length < MAX_VARIANTS) next.push(start + way);
        });
      });
      out = next;
      i += found || 1;
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

  /* The Lunr query of one variant of the query, and its parts as typed. */
  function variant(text, words) {
    var clauses = [];
    var loose = [];
    var terms = [];
    var phrases = text.match(PARTS) || [];
    phrases.forEach(function (part) {
      if (HAN.test(part)) {
        var pieces = segment(part, words).filter(function (piece) {
          return !FILLERS.has(piece);
        });
        var longer = pieces.some(function (piece) {
          return piece.length > 1;
        });
        var lone = pieces.map(function (piece) {
          return longer && piece.length === 1;
        });
        pieces.forEach(function (piece, at) {
          /* A lone character beside words (链 in 区块链) must be there but
           * weighs nothing: it is inside almost any word holding it. */
          clauses.push("+*" + piece + "*" + (lone[at] ? "^0" : ""));
          /* Only a word that stands whole may stand alone in the fallback
           * (区块 of 区块链 is part of a word the index does not have). */
          if (!lone[at] && !lone[at - 1] && !lone[at + 1]) loose.push("*" + piece + "*");
          terms.push(piece);
        });
      } else {
        clauses.push("+" + stem(part) + "*");
        loose.push(stem(part) + "*");
        terms.push(stem(part));
      }
    });
    return {
      query: clauses.join(" "),
      /* A question or phrase (two words or more) that no page holds
       * entirely: the pages holding most of its words (rank weighs them by
       * how many). */
      fallback: loose.length >= SENTENCE ? loose.join(" ") : "",
      terms: terms,
      phrases: phrases,
      text: text,
    };
  }

  /* Prepare every variant of the query; Material parses the returned clauses
   * (all variants' words) to tell which words each result holds. */
  function rewrite(query, index) {
    var words = vocabulary(index);
    variants = applySynonyms(normalise(query), index)
      .map(function (text) {
        return variant(text, words);
      })
      .filter(function (each) {
        return each.query;
      });
    var all = [];
    variants.forEach(function (each) {
      each.query.split(" ").forEach(function (clause) {
        if (all.indexOf(clause) === -1) all.push(clause);
      });
    });
    return all.join(" ");
  }

  /* Every variant searched; a section found by several keeps its best score
   * and the words each found. */
  function search(index) {
    var results = merged(index, "query");
    return results.length ? results : merged(index, "fallback");
  }

  function merged(index, kind) {
    var byRef = new Map();
    variants.forEach(function (each) {
      if (!each[kind]) return;
      index.search(each[kind]).forEach(function (result) {
        var seen = byRef.get(result.ref);
        if (!seen) {
          byRef.set(result.ref, result);
        } else {
          seen.matchData.combine(result.matchData);
          seen.score = Math.max(seen.score, result.score);
        }
      });
    });
    return Array.from(byRef.values());
  }

  /* Which query words a result holds (Material's table): those of the first
   * variant it holds all of, so another way of writing a synonym is never
   * shown as missing. */
  function found(terms) {
    for (var v = 0; v < variants.length; v++) {
      var words = variants[v].terms;
      var all = words.every(function (word) {
        return terms[word];
      });
      if (all) {
        var held = {};
        words.forEach(function (word) {
          held[word] = true;
        });
        return held;
      }
    }
    var first = {};
    (variants.length ? variants[0].terms : []).forEach(function (word) {
      first[word] = !!terms[word];
    });
    return first;
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

  function containsAll(text, phrases) {
    return phrases.every(function (phrase) {
      return text.indexOf(phrase) !== -1;
    });
  }

  /* The share of a variant's words a result holds (1 unless it was found by
   * a sentence's fallback), at its best variant. */
  function coverage(result) {
    var matched = Object.keys(result.matchData.metadata);
    var best = 0;
    variants.forEach(function (each) {
      var held = each.terms.filter(function (word) {
        return matched.some(function (token) {
          return token.indexOf(word) !== -1;
        });
      }).length;
      best = Math.max(best, each.terms.length ? held / each.terms.length : 1);
    });
    return best;
  }

  function pageOf(location) {
    return location.split("#")[0];
  }

  /* Raise the score of results that hold every part of a variant as typed,
   * and sum each page's section scores for order. */
  function rank(results, documents) {
    pageScores = new Map();
    named = new Set();
    results.forEach(function (result) {
      var doc = documents.get(result.ref);
      if (!doc) return;
      var texts = plain(doc);
      var whole = variants.some(function (each) {
        return titleKey(texts[0]) === titleKey(each.text);
      });
      if (whole && result.ref.indexOf("#") === -1) named.add(result.ref);
      var inTitle = variants.some(function (each) {
        return containsAll(texts[0], each.phrases);
      });
      var inText = variants.some(function (each) {
        return containsAll(texts[1], each.phrases);
      });
      if (inTitle) result.score *= TITLE_BOOST;
      else if (inText) result.score *= TEXT_BOOST;
      result.score *= Math.pow(coverage(result), 2);
      var page = pageOf(result.ref);
      pageScores.set(page, (pageScores.get(page) || 0) + result.score);
    });
    return results;
  }

  /* A title or query as compared for a whole-title match: no spaces. */
  function titleKey(text) {
    return text.replace(/\s+/g, "");
  }

  /* Material's sort: the page the query names by its whole title first, then
   * pages by their summed score, a page's sections by theirs. */
  function order(a, b) {
    var pageA = pageOf(a.location);
    var pageB = pageOf(b.location);
    var nameA = named.has(pageA) ? 1 : 0;
    var nameB = named.has(pageB) ? 1 : 0;
    var scoreA = pageScores.get(pageA) || 0;
    var scoreB = pageScores.get(pageB) || 0;
    return nameB - nameA || scoreB - scoreA || b.score - a.score;
  }

  self.courseSearch = {
    rewrite: rewrite,
    search: search,
    found: found,
    rank: rank,
    order: order,
  };
})();
