/* Search as soon as text arrives, not only on key release.
 *
 * Material reads the search box on keyup. Picking a word from a Chinese input
 * method (a tap on a phone's candidate bar, a click in a desktop IME) commits
 * text with compositionend and input but no key release, so the query would
 * wait for another key press. Here each committed change is passed on to
 * Material as a keyup; input events inside a running composition are skipped,
 * so half-typed pinyin is not searched.
 *
 * Material's search dialog has no accessible name; it takes the search box's
 * (already translated) label.
 */
(function () {
  "use strict";

  function relay(event) {
    if (event.type === "input" && event.isComposing) return;
    event.target.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }

  function attach() {
    var box = document.querySelector("input.md-search__input");
    if (!box || box.dataset.courseSearchInput) return;
    box.dataset.courseSearchInput = "1";
    box.addEventListener("compositionend", relay);
    box.addEventListener("input", relay);
    var dialog = box.closest("[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", box.getAttribute("aria-label") || "");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attach);
  } else {
    attach();
  }
})();
