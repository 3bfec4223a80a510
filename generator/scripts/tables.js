/* Tables that do not fit the screen, decided by measuring, never by page.
 *
 * Each body cell gets its column's heading as data-label. Whenever a content
 * table (Markdown's, without a class) is wider than the space it has, or fits
 * only by squeezing a column's text into a sliver (a cell narrower than
 * CRAMPED_EM characters whose text takes more than CRAMPED_LINES lines), it is marked
 * data-course-cards and site.css shows it row by row, label beside value, on
 * screen only (print keeps the grid). Any other table that does not
 * fit (a blank form's writing grid, where cards would lose the form's shape)
 * is put in a scroll region: it takes keyboard focus, has an accessible name
 * and a visible hint that it scrolls sideways. Tables are measured again when
 * the window changes size. Tables of six or more columns are also marked
 * data-course-wide (narrower cells on wide screens and on paper).
 */
(function () {
  "use strict";

  var WIDE = 6;
  var CRAMPED_EM = 8;
  var CRAMPED_LINES = 3;
  var HINT = "表格较宽，可左右滑动或用方向键查看";

  function headings(table) {
    var row = table.tHead && table.tHead.rows[0];
    if (!row) row = table.rows[0];
    if (!row) return [];
    return Array.prototype.map.call(row.cells, function (cell) {
      return cell.textContent.replace(/\s+/g, " ").trim();
    });
  }

  function describe(names) {
    var shown = names.filter(Boolean).slice(0, 3).join("、");
    return "表格：" + (shown ? shown + " 等 " : "") + names.length + " 列";
  }

  function label(table) {
    var names = headings(table);
    if (names.length >= WIDE) table.setAttribute("data-course-wide", "");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (names[index]) cell.setAttribute("data-label", names[index]);
        });
      });
    });
    return names;
  }

  /* A region around the table that scrolls sideways, with its hint above it. */
  function region(table, names) {
    var box = document.createElement("div");
    box.className = "course-scroll";
    box.setAttribute("data-course-scroll", "");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", describe(names) + "，可左右滚动");
    var hint = document.createElement("p");
    hint.className = "course-scroll__hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = HINT;
    table.parentNode.insertBefore(hint, table);
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    return { box: box, hint: hint };
  }

  function overflows(element) {
    return element.scrollWidth > element.clientWidth + 1;
  }

  function lines(cell, style) {
    var range = document.createRange();
    range.selectNodeContents(cell);
    var height = range.getBoundingClientRect().height;
    var line = parseFloat(style.lineHeight) || 1.5 * parseFloat(style.fontSize);
    return Math.round(height / line);
  }

  function cramped(table) {
    return Array.prototype.some.call(table.querySelectorAll("tbody td"), function (cell) {
      var style = window.getComputedStyle(cell);
      return cell.clientWidth < CRAMPED_EM * parseFloat(style.fontSize) &&
        lines(cell, style) > CRAMPED_LINES;
    });
  }

  var tables = [];

  function fit() {
    tables.forEach(function (entry) {
      if (entry.cards) entry.table.removeAttribute("data-course-cards");
    });
    var verdicts = tables.map(function (entry) {
      var table = entry.table;
      if (entry.cards) {
        var wrap = table.closest(".md-typeset__scrollwrap");
        return overflows(table) || (wrap !== null && overflows(wrap)) || cramped(table);
      }
      return overflows(entry.scroll.box);
    });
    tables.forEach(function (entry, index) {
      var wide = verdicts[index];
      if (entry.cards) {
        if (wide) entry.table.setAttribute("data-course-cards", "");
        return;
      }
      entry.scroll.hint.hidden = !wide;
      if (wide) entry.scroll.box.setAttribute("tabindex", "0");
      else entry.scroll.box.removeAttribute("tabindex");
    });
  }

  function setUp() {
    tables = [];
    document.querySelectorAll(".md-typeset table").forEach(function (table) {
      if (table.hasAttribute("data-course-seen")) return;
      table.setAttribute("data-course-seen", "");
      var names = label(table);
      var cards = !table.hasAttribute("class") && table.tBodies.length > 0 && names.length > 1;
      tables.push({ table: table, cards: cards, scroll: cards ? null : region(table, names) });
    });
    fit();
  }

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fit();
    });
  });

  /* Material swaps page content without reloading when navigation.instant is
   * on; document$ then announces each new page. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else {
    setUp();
  }
})();
