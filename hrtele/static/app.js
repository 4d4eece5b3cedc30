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
  window.hrteleUpdateScrollers = updateScrollers; // tabs call it when a panel is shown
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
// Progressive enhancement of forms and sectioned pages (no inline script: the CSP forbids it).
(function () {
  "use strict";

  // -- Error summary of a refused form: takes the keyboard focus, its links focus the field.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    // A page that puts the focus on a field itself (autofocus, e.g. the log-in form) keeps it.
    if (!document.querySelector("[autofocus]")) { summary.focus(); }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var input = target.matches("input, select, textarea, button")
        ? target : target.querySelector("input, select, textarea, button");
      if (input) {
        event.preventDefault();
        target.scrollIntoView({ block: "center" });
        input.focus();
      }
    });
  }

  // -- Tabs (WAI-ARIA tabs pattern, automatic activation). Without JavaScript the markup is
  // a list of links to sections that are all shown; with it, one panel at a time, arrows,
  // Home and End move between tabs, and the address's #fragment selects the panel holding it.
  var lists = document.querySelectorAll("[data-tabs]");
  Array.prototype.forEach.call(lists, function (nav) {
    var list = nav.querySelector("ul");
    var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-tab]"));
    var panels = links.map(function (a) {
      return document.getElementById(a.getAttribute("href").slice(1));
    });
    if (!list || !links.length || panels.indexOf(null) !== -1) { return; }
    list.setAttribute("role", "tablist");
    if (nav.getAttribute("aria-label")) {
      list.setAttribute("aria-label", nav.getAttribute("aria-label"));
    }
    links.forEach(function (a, i) {
      a.parentNode.setAttribute("role", "presentation");
      a.setAttribute("role", "tab");
      a.id = a.id || "tab-" + panels[i].id;
      a.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("aria-labelledby", a.id);
      panels[i].setAttribute("tabindex", "0");
      panels[i].classList.add("tab-panel-js");
    });
    nav.classList.add("tabs-js");

    function select(index, focus) {
      links.forEach(function (a, i) {
        var on = i === index;
        a.setAttribute("aria-selected", on ? "true" : "false");
        a.setAttribute("tabindex", on ? "0" : "-1");
        panels[i].hidden = !on;
      });
      // Tables of a panel that was hidden could not be measured: scrollers are set now.
      if (window.hrteleUpdateScrollers) { window.hrteleUpdateScrollers(); }
      if (focus) { links[index].focus(); }
    }

    function indexForHash() {
      var id = window.location.hash.slice(1);
      if (!id) { return -1; }
      var el = document.getElementById(id);
      if (!el) { return -1; }
      for (var i = 0; i < panels.length; i += 1) {
        if (panels[i] === el || panels[i].contains(el)) { return i; }
      }
      return -1;
    }

    links.forEach(function (a, i) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        select(i, true);
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "#" + panels[i].id);
        }
      });
      a.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") { next = (i + 1) % links.length; }
        else if (event.key === "ArrowLeft") { next = (i - 1 + links.length) % links.length; }
        else if (event.key === "Home") { next = 0; }
        else if (event.key === "End") { next = links.length - 1; }
        if (next !== null) {
          event.preventDefault();
          select(next, true);
        }
      });
    });

    function fromHash() {
      var index = indexForHash();
      if (index !== -1) {
        select(index, false);
        var el = document.getElementById(window.location.hash.slice(1));
        if (el && el !== panels[index]) { el.scrollIntoView(); }
      }
      return index;
    }
    window.addEventListener("hashchange", fromHash);
    if (fromHash() === -1) {
      // A refused form inside a panel opens that panel.
      var withError = -1;
      panels.forEach(function (p, i) {
        if (withError === -1 && p.querySelector("[data-error-summary], .has-error")) { withError = i; }
      });
      select(withError === -1 ? 0 : withError, false);
    }
  });
})();
