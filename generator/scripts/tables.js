/* Wide tables on a phone: each row becomes a card.
 *
 * A table with many columns (chapter 3's eleven-column worked examples) would
 * need sideways scrolling on a narrow screen. Each cell gets its column's
 * heading as data-label, and site.css shows such tables row by row, label
 * beside value, below the tablet width. Print and wide screens keep the grid.
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
