// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  // Buttons of forms carrying data-confirm ask before sending (e.g. ending telework).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // A table wider than its frame (.table-wrap) scrolls sideways. Keyboard users must be able
  // to scroll it too: the frame becomes a focusable, named region (WCAG 2.1.1, axe
  // « scrollable-region-focusable »), and stops being one when the table fits again.
  function captionOf(wrap) {
    var caption = wrap.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return (text || "Tableau") + " (faire défiler horizontalement)";
  }

  function updateScrollers() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < wraps.length; i += 1) {
      var wrap = wraps[i];
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        var named = wrap.hasAttribute("aria-label") || wrap.hasAttribute("aria-labelledby");
        if (!named) {
          wrap.setAttribute("aria-label", captionOf(wrap));
        }
        wrap.setAttribute("data-scroller", named ? "named" : "labelled");
      } else if (!scrolls && wrap.hasAttribute("data-scroller")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        if (wrap.getAttribute("data-scroller") === "labelled") {
          wrap.removeAttribute("aria-label");
        }
        wrap.removeAttribute("data-scroller");
      }
    }
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(updateScrollers, 150);
  });
  updateScrollers(); // the script is deferred: the document is parsed
})();
