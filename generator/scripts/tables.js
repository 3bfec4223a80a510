/* Wide tables on a phone: each row becomes a card.
 *
 * A table with many columns (chapter 3's eleven-column worked examples) would
 * need sideways scrolling on a narrow screen. Each cell gets its column's
 * heading as data-label, and site.css shows such tables row by row, label
 * beside value, below the tablet width. Print and wide screens keep the grid;
 * where the grid still scrolls sideways, its scroll box takes keyboard focus so
 * it can be scrolled without a mouse.
 */
(function () {
  "use strict";

  var WIDE = 6;

  function label(table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (headings.length < WIDE) return;
    table.setAttribute("data-course-wide", "");
    var scroller = table.closest(".md-typeset__scrollwrap");
    if (scroller) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("role", "group");
      scroller.setAttribute("aria-label", "表格：" + headings.slice(0, 3).join("、") + " 等 " + headings.length + " 列");
    }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (headings[index]) cell.setAttribute("data-label", headings[index]);
      });
    });
  }

  function labelAll() {
    document.querySelectorAll(".md-typeset table").forEach(label);
  }

  /* Material swaps page content without reloading when navigation.instant is
   * on; document$ then announces each new page. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(labelAll);
  } else {
    labelAll();
  }
})();
