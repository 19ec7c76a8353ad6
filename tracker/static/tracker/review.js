/* The review screen, 立项 and 增加时限 (no inline script: the CSP forbids it).
   1. A task card clicked: its source lines are highlighted and scrolled into view in the source pane.
   2. Unit fields (data-autocomplete): suggestions from the directory, aliases included.
   3. Deadline phrases (data-parse): the date the grammar reads, shown as it is typed.
   4. Split: a click on a ✂ in the task's text fills "第二项从这里开始".
   5. A task's editing panel is loaded when it is first opened. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function getJSON(url, params) {
    var query = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    return fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + query, {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* 1. source lines ------------------------------------------------------------------------------- */
  function highlight(start, end) {
    var pane = document.getElementById("source");
    if (!pane || !start) { return; }
    pane.querySelectorAll("li.hl").forEach(function (li) { li.classList.remove("hl"); });
    var first = null;
    for (var n = start; n <= (end || start); n++) {
      var li = document.getElementById("L" + n);
      if (li) { li.classList.add("hl"); first = first || li; }
    }
    if (first) {
      // Scroll the pane itself (not the page) so the task being read stays where it is on a desktop.
      var offset = first.getBoundingClientRect().top - pane.getBoundingClientRect().top;
      pane.scrollTo({ top: Math.max(pane.scrollTop + offset - pane.clientHeight / 4, 0), behavior: "smooth" });
    }
  }

  function bindTasks() {
    var cards = document.querySelectorAll("[data-line-start]");
    cards.forEach(function (card) {
      card.addEventListener("click", function (event) {
        var target = event.target;
        var control = target.closest("form, details, a, textarea, input, select, label");
        if (control && !target.closest("button.locate")) { return; }
        document.querySelectorAll(".rtask.active").forEach(function (c) { c.classList.remove("active"); });
        card.classList.add("active");
        highlight(parseInt(card.dataset.lineStart, 10), parseInt(card.dataset.lineEnd, 10));
      });
    });
    // Coming back from a form post (#task-12), or a page of one task: show its lines at once.
    var hash = window.location.hash.slice(1);
    var card = (hash && document.getElementById(hash)) || (cards.length === 1 ? cards[0] : null);
    if (card && card.dataset.lineStart) {
      card.classList.add("active");
      highlight(parseInt(card.dataset.lineStart, 10), parseInt(card.dataset.lineEnd, 10));
    }
  }

  /* 2. unit autocomplete --------------------------------------------------------------------------- */
  function bindAutocomplete(input) {
    var multiple = input.dataset.multiple === "1";
    var wrap = el("div", "ac-wrap");
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = el("ul", "ac-list");
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var active = -1;

    function current() {
      if (!multiple) { return input.value.trim(); }
      var parts = input.value.split(/[、，,；;]/);
      return parts[parts.length - 1].trim();
    }
    function close() { list.hidden = true; active = -1; input.setAttribute("aria-expanded", "false"); }
    function choose(name) {
      if (multiple) {
        // The name being typed (the last one) becomes the chosen unit; the ones before it stay.
        var parts = input.value.split(/[、，,；;]/).map(function (p) { return p.trim(); });
        parts[parts.length - 1] = name;
        parts = parts.filter(function (p, i) { return p && parts.indexOf(p) === i; });
        input.value = parts.join("、") + "、";
      } else {
        input.value = name;
      }
      close();
      input.focus();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function mark(index) {
      var items = list.querySelectorAll("li[data-name]");
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
    }
    var search = debounce(function () {
      var q = current();
      if (!q) { close(); return; }
      getJSON(input.dataset.autocomplete, { q: q }).then(function (data) {
        list.textContent = "";
        if (!data.results.length) {
          list.appendChild(el("li", "ac-none", "单位目录中没有“" + q + "”"));
        }
        data.results.forEach(function (r) {
          var li = el("li", "", r.name);
          li.dataset.name = r.name;
          li.setAttribute("role", "option");
          if (r.hint) { li.appendChild(el("small", "", r.hint)); }
          li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(r.name); });
          list.appendChild(li);
        });
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        mark(-1);
      }).catch(close);
    }, 150);
    input.addEventListener("input", search);
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (e) {
      var items = list.querySelectorAll("li[data-name]");
      if (list.hidden || !items.length) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark((active - 1 + items.length) % items.length); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active].dataset.name); }
      else if (e.key === "Escape") { close(); }
    });
  }

  /* 3. deadline phrase parsed as typed ------------------------------------------------------------- */
  function bindDeadline(input) {
    var out = el("output", "deadline-preview");
    out.setAttribute("for", input.id);
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
    var refInput = input.dataset.referenceInput && document.getElementById(input.dataset.referenceInput);
    var ask = debounce(function () {
      var text = input.value.trim();
      if (!text) { out.textContent = ""; out.classList.remove("unresolved"); return; }
      var params = { text: text };
      if (input.dataset.task) { params.task = input.dataset.task; }
      if (refInput && refInput.value) { params.on = refInput.value; }
      getJSON(input.dataset.parse, params).then(function (data) {
        out.textContent = "";
        if (!data.deadlines.length) {
          out.classList.add("unresolved");
          out.textContent = data.message;
          return;
        }
        var bad = data.deadlines.every(function (d) { return !d.due && d.summary.indexOf("长期") < 0; });
        out.classList.toggle("unresolved", bad);
        data.deadlines.forEach(function (d, i) {
          var line = el("span", "parsed", (i ? "；" : "") + "「" + d.text + "」→ " + d.summary);
          if (d.flags.length) { line.appendChild(document.createTextNode("（" + d.flags.join("、") + "）")); }
          out.appendChild(line);
        });
        out.appendChild(el("span", "ref", " " + data.reference));
      }).catch(function () { out.textContent = ""; });
    }, 200);
    input.addEventListener("input", ask);
    if (refInput) { refInput.addEventListener("change", ask); }
    if (input.value) { ask(); }
  }

  /* 4. split point: a click on a ✂ between two clauses of the text --------------------------------- */
  function bindSplit(input) {
    var source = document.getElementById(input.dataset.splitOf);
    var offset = input.form && input.form.querySelector("input[name$='-at']");
    if (!source) { return; }
    var text = source.dataset.text || "";
    source.querySelectorAll("button.cut").forEach(function (cut) {
      cut.addEventListener("click", function () {
        var at = parseInt(cut.dataset.at, 10);
        source.querySelectorAll("button.cut.chosen").forEach(function (b) { b.classList.remove("chosen"); });
        cut.classList.add("chosen");
        input.value = text.slice(at, at + 20).trim();
        if (offset) { offset.value = String(at); }
      });
    });
    input.addEventListener("input", function () { if (offset) { offset.value = ""; } });
  }

  function bindForms(root) {
    root.querySelectorAll("input[data-autocomplete]").forEach(bindAutocomplete);
    root.querySelectorAll("input[data-parse]").forEach(bindDeadline);
    root.querySelectorAll("input[data-split-of]").forEach(bindSplit);
  }

  /* 5. a task's editing panel is fetched when first opened (the directive screen stays light) -------- */
  function bindLazy(details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.loaded) { return; }
      details.dataset.loaded = "1";
      var body = details.querySelector(".tool-body");
      body.textContent = "正在加载…";
      fetch(details.dataset.fragment, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.text();
      }).then(function (html) {
        body.innerHTML = html;
        bindForms(body);
      }).catch(function () {
        details.dataset.loaded = "";
        body.textContent = "加载失败，请刷新页面后重试。";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    bindTasks();
    bindForms(document);
    document.querySelectorAll("details.lazy[data-fragment]").forEach(bindLazy);
  });
}());
