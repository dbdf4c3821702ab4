// wa-lint review report: filters (kept in the URL hash), lazy findings list, diagram selection.
// Builds every element with textContent: no data ever goes through innerHTML.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var PAGE = 100;
  var SEVERITIES = ["error", "warning", "note"];
  var SVG_NS = "http://www.w3.org/2000/svg";
  var state = { pillar: "", sev: SEVERITIES.slice(), file: "", q: "", node: -1, res: -1, view: 0 };
  var filtered = [];
  var shown = 0;
  var last = { pillar: null, resource: null };

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function rule(f) { return DATA.rules[f.r] || { name: "", pillar: "", title: "", bps: [], fix: [] }; }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // ---------------------------------------------------------------- URL hash state
  function readHash() {
    var hash = window.location.hash.replace(/^#/, "");
    var next = { pillar: "", sev: SEVERITIES.slice(), file: "", q: "", node: -1, res: -1, view: 0 };
    if (hash.indexOf("=") < 0) { return next; }
    hash.split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 0) { return; }
      var key = part.slice(0, at);
      var value;
      try { value = decodeURIComponent(part.slice(at + 1).replace(/\+/g, " ")); } catch (e) { return; }
      if (key === "pillar" && DATA.pillars.indexOf(value) >= 0) { next.pillar = value; }
      else if (key === "sev") { next.sev = value.split(",").filter(function (s) { return SEVERITIES.indexOf(s) >= 0; }); }
      else if (key === "file" && DATA.files.indexOf(value) >= 0) { next.file = value; }
      else if (key === "q") { next.q = value; }
      else if (key === "node" && /^\d+$/.test(value) && +value < DATA.nodes.length) { next.node = +value; }
      else if (key === "res" && /^\d+$/.test(value) && +value < DATA.nodes.length) { next.res = +value; }
      else if (key === "view" && /^\d$/.test(value)) { next.view = +value; }
    });
    return next;
  }
  function writeHash() {
    var parts = [];
    if (state.pillar) { parts.push("pillar=" + encodeURIComponent(state.pillar)); }
    if (state.sev.length !== SEVERITIES.length) { parts.push("sev=" + state.sev.join(",")); }
    if (state.file) { parts.push("file=" + encodeURIComponent(state.file)); }
    if (state.q) { parts.push("q=" + encodeURIComponent(state.q)); }
    if (state.res >= 0) { parts.push("res=" + state.res); }
    if (state.node >= 0) { parts.push("node=" + state.node); }
    if (state.view > 0) { parts.push("view=" + state.view); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== window.location.hash && !(hash === "" && window.location.hash === "#")) {
      history.replaceState(null, "", hash || window.location.pathname + window.location.search);
    }
  }

  // ---------------------------------------------------------------- filters
  function syncControls() {
    $("f-pillar").value = state.pillar;
    $("f-file").value = state.file;
    $("f-text").value = state.q;
    document.querySelectorAll(".sevs input").forEach(function (box) {
      box.checked = state.sev.indexOf(box.value) >= 0;
    });
    document.querySelectorAll(".card[data-pillar]").forEach(function (card) {
      card.setAttribute("aria-pressed", card.getAttribute("data-pillar") === state.pillar ? "true" : "false");
    });
  }
  function matches(f) {
    if (state.pillar && rule(f).pillar !== state.pillar) { return false; }
    if (state.sev.indexOf(f.s) < 0) { return false; }
    if (state.file && DATA.files[f.f] !== state.file) { return false; }
    if (state.res >= 0 && f.n !== state.res) { return false; }
    if (state.q) {
      var r = rule(f);
      var hay = (f.m + " " + f.res + " " + f.t + " " + f.r + " " + r.name + " " + r.title + " " +
                 DATA.files[f.f]).toLowerCase();
      var words = state.q.toLowerCase().split(/\s+/);
      for (var i = 0; i < words.length; i++) {
        if (words[i] && hay.indexOf(words[i]) < 0) { return false; }
      }
    }
    return true;
  }
  function applyFilters() {
    filtered = DATA.findings.filter(matches);
    shown = 0;
    last = { pillar: null, resource: null };
    var list = $("finding-list");
    list.textContent = "";
    var total = DATA.findings.length;
    var text = filtered.length === total ? plural(total, "finding")
      : filtered.length + " of " + plural(total, "finding") + " match the filters";
    if (state.res >= 0) { text += " · resource " + DATA.nodes[state.res][0]; }
    $("f-count").textContent = text;
    if (!filtered.length) {
      list.appendChild(el("p", "empty", total ? "No finding matches these filters." : "No findings. Every rule passed."));
    }
    renderMore(PAGE);
  }
  function renderMore(count) {
    var list = $("finding-list");
    var fragment = document.createDocumentFragment();
    var end = Math.min(filtered.length, shown + count);
    for (var i = shown; i < end; i++) {
      var f = filtered[i];
      var r = rule(f);
      if (r.pillar !== last.pillar) {
        fragment.appendChild(el("h3", "pillar-head", DATA.pillarTitles[r.pillar] || r.pillar));
        last.pillar = r.pillar;
        last.resource = null;
      }
      var resourceKey = f.f + "\u0000" + f.res;
      if (resourceKey !== last.resource) {
        var head = el("div", "resource-head", f.res + " ");
        head.appendChild(el("span", "muted", f.t + " · " + DATA.files[f.f]));
        fragment.appendChild(head);
        last.resource = resourceKey;
      }
      fragment.appendChild(findingCard(f, r));
    }
    shown = end;
    list.appendChild(fragment);
    var more = $("f-more");
    var rest = filtered.length - shown;
    more.hidden = rest <= 0;
    more.textContent = "Show " + Math.min(rest, PAGE) + " more (" + rest + " not shown)";
  }
  function findingCard(f, r) {
    var card = el("article", "finding sev-" + f.s);
    var line1 = el("div", "line1");
    line1.appendChild(el("span", "chip sev-" + f.s, f.s));
    line1.appendChild(el("span", "msg", f.m));
    line1.appendChild(el("code", "rid", f.r + " " + r.name));
    card.appendChild(line1);
    card.appendChild(el("div", "rule-title", r.title));
    var meta = el("div", "meta");
    meta.appendChild(el("code", "", DATA.files[f.f] + ":" + f.l + ":" + f.c));
    if (f.p) { meta.appendChild(el("code", "", f.p)); }
    var bps = el("span", "bps");
    r.bps.forEach(function (bp, index) {
      if (index) { bps.appendChild(document.createTextNode(", ")); }
      var item;
      if (/^https:\/\//.test(bp[2])) {
        item = el("a", "", bp[0]);
        item.href = bp[2];
        item.rel = "noopener noreferrer";
        item.target = "_blank";
      } else { item = el("span", "", bp[0]); }
      item.title = bp[1];
      bps.appendChild(item);
      if (bp[1]) { bps.appendChild(el("span", "bp-title", " " + bp[1])); }
    });
    meta.appendChild(bps);
    card.appendChild(meta);
    if (f.x >= 0) { card.appendChild(snippet(DATA.snippets[f.x], f.l)); }
    if (r.fix && r.fix.length) {
      var details = el("details", "fix");
      details.appendChild(el("summary", "", "How to fix"));
      details.addEventListener("toggle", function once() {
        details.removeEventListener("toggle", once);
        r.fix.forEach(function (block) { details.appendChild(fixBlock(block)); });
      });
      card.appendChild(details);
    }
    return card;
  }
  function snippet(entry, line) {
    var pre = el("pre", "snippet");
    pre.setAttribute("aria-label", "template lines " + entry[0] + " to " + (entry[0] + entry[1].length - 1));
    entry[1].forEach(function (text, index) {
      var number = entry[0] + index;
      var span = el("span", number === line ? "hit" : "", text);
      span.setAttribute("data-n", String(number));
      pre.appendChild(span);
    });
    return pre;
  }
  function fixBlock(block) {
    if (block[0] === "code") {
      var pre = el("pre");
      pre.appendChild(el("code", "", block[2]));
      if (block[1]) { pre.setAttribute("data-lang", block[1]); }
      return pre;
    }
    var p = el("p");
    block[1].split("`").forEach(function (piece, index) {
      p.appendChild(index % 2 ? el("code", "", piece) : document.createTextNode(piece));
    });
    return p;
  }

  // ---------------------------------------------------------------- diagram
  // One or two SVG layouts of the same graph (a mosaic overview, and one with names).
  var svgs = Array.prototype.slice.call(document.querySelectorAll("svg.diagram"));
  var nodeElements = svgs.map(function (svg) {
    var map = {};
    svg.querySelectorAll(".node").forEach(function (g) { map[g.getAttribute("data-n")] = g; });
    return map;
  });
  var NEIGHBOURS = 5, WHERE = 6;

  function showView(view) {
    view = view > 0 && view < svgs.length ? view : 0;
    state.view = view;
    svgs.forEach(function (svg, index) {   // SVG elements have no .hidden property
      if (index === view) { svg.removeAttribute("hidden"); } else { svg.setAttribute("hidden", ""); }
    });
    document.querySelectorAll(".views button").forEach(function (button) {
      button.setAttribute("aria-pressed", +button.getAttribute("data-view") === view ? "true" : "false");
    });
  }
  function curve(a, b) {
    var mid = (a[1] + b[1]) / 2 - (Math.abs(a[1] - b[1]) < 1 ? 24 : 0);
    return "M" + a[0] + "," + a[1] + " C" + a[0] + "," + mid + " " + b[0] + "," + mid + " " + b[0] + "," + b[1];
  }
  function highlight(svg, index, n) {
    svg.querySelectorAll(".node.selected, .node.neighbour").forEach(function (g) {
      g.classList.remove("selected", "neighbour");
    });
    svg.querySelectorAll(".edge.hot").forEach(function (p) { p.classList.remove("hot"); });
    var layer = svg.querySelector(".selected-edges");
    layer.textContent = "";
    if (n < 0) { svg.classList.toggle("dimmed", !!$("node-search").value.trim()); return; }
    var elements = nodeElements[index];
    if (elements[n]) { elements[n].classList.add("selected"); }
    var drawn = svg.querySelectorAll(".edge").length > 0;
    svg.querySelectorAll(".edge[data-s='" + n + "'], .edge[data-t='" + n + "']").forEach(function (p) {
      p.classList.add("hot");
    });
    var centres = DATA.centres[index];
    DATA.nodes[n][NEIGHBOURS].forEach(function (m) {
      if (elements[m]) { elements[m].classList.add("neighbour"); }
      if (drawn) { return; }
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", curve(centres[n], centres[m]));
      path.setAttribute("class", "sel-edge");
      layer.appendChild(path);
    });
    svg.classList.add("dimmed");
  }
  function selectNode(n, scroll) {
    if (!(n >= 0 && DATA.nodes[n])) { n = -1; }
    svgs.forEach(function (svg, index) { highlight(svg, index, n); });
    var panel = $("node-panel");
    panel.textContent = "";
    if (n < 0) {
      panel.appendChild(el("p", "muted", "Select a resource in the diagram."));
      return;
    }
    var node = DATA.nodes[n];
    var g = nodeElements[state.view] && nodeElements[state.view][n];
    if (g && scroll) { g.scrollIntoView({ block: "center", inline: "center" }); }

    panel.appendChild(el("h3", "", node[0]));
    panel.appendChild(el("p", "where", node[1] + " · " + (DATA.files[node[2]] || "") + (node[3] ? ":" + node[3] : "") + " · " + node[WHERE]));
    var own = DATA.findings.filter(function (f) { return f.n === n; });
    panel.appendChild(el("strong", "", own.length ? plural(own.length, "finding") : "No unsuppressed findings"));
    if (own.length) {
      var list = el("ul", "node-findings");
      own.slice(0, 50).forEach(function (f) {
        var item = el("li");
        item.appendChild(el("span", "chip sev-" + f.s, f.s));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("code", "", f.r));
        item.appendChild(document.createTextNode(" " + f.m + " "));
        item.appendChild(el("span", "muted", "line " + f.l));
        list.appendChild(item);
      });
      panel.appendChild(list);
      if (own.length > 50) { panel.appendChild(el("p", "muted", (own.length - 50) + " more in the findings list")); }
      var show = el("button", "", "Show in the findings list");
      show.type = "button";
      show.addEventListener("click", function () {
        state.res = n; state.pillar = ""; state.file = ""; state.q = ""; state.sev = SEVERITIES.slice();
        update(); $("findings").scrollIntoView();
      });
      panel.appendChild(show);
    }
    var neighbours = node[NEIGHBOURS];
    if (neighbours.length) {
      var refs = el("p", "refs", "Connected to: ");
      neighbours.slice(0, 40).forEach(function (m, index) {
        if (index) { refs.appendChild(document.createTextNode(", ")); }
        var link = el("button", "linkish", DATA.nodes[m][0]);
        link.type = "button";
        link.addEventListener("click", function () { state.node = m; writeHash(); selectNode(m, true); });
        refs.appendChild(link);
      });
      if (neighbours.length > 40) { refs.appendChild(document.createTextNode(" and " + (neighbours.length - 40) + " more")); }
      panel.appendChild(refs);
    }
  }
  function nodeFromEvent(event, svg) {
    var target = event.target;
    while (target && target !== svg) {
      if (target.classList && target.classList.contains("node")) { return +target.getAttribute("data-n"); }
      target = target.parentNode;
    }
    return -1;
  }
  svgs.forEach(function (svg) {
    svg.addEventListener("click", function (event) {
      var n = nodeFromEvent(event, svg);
      state.node = n === state.node ? -1 : n;
      writeHash();
      selectNode(state.node, false);
    });
    svg.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") { return; }
      var n = nodeFromEvent(event, svg);
      if (n < 0) { return; }
      event.preventDefault();
      state.node = n;
      writeHash();
      selectNode(n, false);
    });
  });
  document.querySelectorAll(".views button").forEach(function (button) {
    button.addEventListener("click", function () {
      showView(+button.getAttribute("data-view"));
      writeHash();
      if (state.node >= 0) { selectNode(state.node, true); }
    });
  });
  $("node-search").addEventListener("input", function () {
    var text = this.value.trim().toLowerCase();
    svgs.forEach(function (svg, index) {
      var first = null;
      DATA.nodes.forEach(function (node, n) {
        var g = nodeElements[index][n];
        if (!g) { return; }
        var hit = !!text && (node[0] + " " + node[1]).toLowerCase().indexOf(text) >= 0;
        g.classList.toggle("match", hit);
        if (hit && first === null) { first = g; }
      });
      svg.classList.toggle("dimmed", !!text || state.node >= 0);
      if (first && index === state.view) { first.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    });
  });

  // ---------------------------------------------------------------- wiring
  function update() { writeHash(); syncControls(); applyFilters(); }
  $("filters").addEventListener("submit", function (event) { event.preventDefault(); });
  $("f-pillar").addEventListener("change", function () { state.pillar = this.value; update(); });
  $("f-file").addEventListener("change", function () { state.file = this.value; update(); });
  var typing = null;
  $("f-text").addEventListener("input", function () {
    var value = this.value;
    clearTimeout(typing);
    typing = setTimeout(function () { state.q = value.trim(); update(); }, 150);
  });
  document.querySelectorAll(".sevs input").forEach(function (box) {
    box.addEventListener("change", function () {
      state.sev = SEVERITIES.filter(function (s) {
        return document.querySelector(".sevs input[value='" + s + "']").checked;
      });
      update();
    });
  });
  $("f-reset").addEventListener("click", function () {
    state = { pillar: "", sev: SEVERITIES.slice(), file: "", q: "", node: state.node, res: -1, view: state.view };
    update();
  });
  $("f-more").addEventListener("click", function () { renderMore(PAGE); });
  document.querySelectorAll(".card[data-pillar]").forEach(function (card) {
    card.addEventListener("click", function () {
      var pillar = card.getAttribute("data-pillar");
      state.pillar = state.pillar === pillar ? "" : pillar;
      state.res = -1;
      update();
      $("findings").scrollIntoView();
    });
  });
  document.querySelectorAll("[data-jump]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = $(link.getAttribute("data-jump"));
      if (target) { event.preventDefault(); target.scrollIntoView(); }
    });
  });
  window.addEventListener("hashchange", function () {
    if (window.location.hash.indexOf("=") < 0) { return; }
    state = readHash();
    syncControls();
    applyFilters();
    showView(state.view);
    selectNode(state.node, true);
  });
  window.addEventListener("beforeprint", function () { renderMore(filtered.length); });

  state = readHash();
  syncControls();
  applyFilters();
  showView(state.view);
  if (state.node >= 0) { selectNode(state.node, true); }
  document.documentElement.setAttribute("data-ready", "1");
}());
