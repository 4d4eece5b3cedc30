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

// Campaign progress: poll the JSON status endpoint and update the bar without reloading
// (the page falls back to a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("campaign-progress");
  if (!box || box.getAttribute("data-status") !== "running" || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  function update(data) {
    var bar = document.getElementById("campaign-bar");
    if (bar) { bar.value = data.percent; bar.textContent = data.percent + " %"; }
    var fields = box.querySelectorAll("[data-field]");
    for (var i = 0; i < fields.length; i += 1) {
      var key = fields[i].getAttribute("data-field");
      if (data[key] !== undefined && data[key] !== null) { fields[i].textContent = data[key]; }
    }
    var status = document.getElementById("campaign-status");
    if (status && data.status_label) { status.textContent = data.status_label; }
    if (data.status !== "running") {
      window.location.reload();  // shows the result: failures, download link
      return;
    }
    window.setTimeout(poll, 2000);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(update)
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());

// Lists with selectable rows: a « select all on the page » checkbox ticks or clears every
// row checkbox of its form, and shows « mixed » while only some are ticked.
(function () {
  "use strict";
  var toggles = document.querySelectorAll("input[data-select-all]");
  Array.prototype.forEach.call(toggles, function (toggle) {
    var form = toggle.form || toggle.closest("form");
    if (!form) { return; }
    var name = toggle.getAttribute("data-select-all");
    function boxes() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.type === "checkbox" && el.name === name;
      });
    }
    function sync() {
      var all = boxes();
      var ticked = all.filter(function (el) { return el.checked; }).length;
      toggle.checked = all.length > 0 && ticked === all.length;
      toggle.indeterminate = ticked > 0 && ticked < all.length;
    }
    toggle.addEventListener("change", function () {
      boxes().forEach(function (el) { el.checked = toggle.checked; });
      toggle.indeterminate = false;
    });
    form.addEventListener("change", function (event) {
      if (event.target !== toggle && event.target.name === name) { sync(); }
    });
  });
})();
