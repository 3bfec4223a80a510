/* Reading aids on top of Material's own scripts.
 *
 * - Tab order: nothing the reader cannot see takes a Tab stop. Material's
 *   colour-scheme radio is aria-hidden when the course has one scheme (the
 *   closed search's scroll box is hidden by site.css).
 * - Esc closes an open glossary tooltip without moving focus.
 * - Content tabs: the tab-scroll arrows get Chinese labels (site.css makes
 *   them 44 px); the chosen tab's label is marked data-course-active so
 *   site.css can underline it where the labels wrap onto several rows.
 */
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  var ARROWS = { prev: "上一个标签", next: "下一个标签" };

  function untab(element) {
    element.setAttribute("tabindex", "-1");
  }

  function tabOrder() {
    document.querySelectorAll("[aria-hidden='true']").forEach(function (hidden) {
      if (hidden.matches(FOCUSABLE)) untab(hidden);
      hidden.querySelectorAll(FOCUSABLE).forEach(untab);
    });
  }

  function markTab(set) {
    var labels = set.querySelector(":scope > .tabbed-labels");
    if (!labels) return;
    Array.prototype.forEach.call(labels.children, function (label) {
      var input = document.getElementById(label.htmlFor);
      if (input && input.checked) label.setAttribute("data-course-active", "");
      else label.removeAttribute("data-course-active");
    });
  }

  function nameArrows(set) {
    Object.keys(ARROWS).forEach(function (side) {
      var button = set.querySelector(":scope > .tabbed-control--" + side + " > .tabbed-button");
      if (button) button.setAttribute("aria-label", ARROWS[side]);
    });
  }

  function tabs() {
    document.querySelectorAll(".tabbed-set").forEach(function (set) {
      markTab(set);
      nameArrows(set);
      set.addEventListener("change", function () {
        markTab(set);
      });
      /* Material adds the arrows when it mounts the tabs, after this runs. */
      new MutationObserver(function () {
        nameArrows(set);
      }).observe(set, { childList: true });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".md-tooltip2--active").forEach(function (tip) {
      tip.classList.remove("md-tooltip2--active");
    });
  });

  function setUp() {
    tabOrder();
    tabs();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else {
    setUp();
  }
})();
