/* Article explorer: list with filters and paging, one article rendered at a time.
   All computing (offsets, shared words) was done in Python; this only builds DOM nodes.
   Errors are written to <body data-js-errors> so that a headless test can see them. */
(function () {
  "use strict";
  var PAGE_SIZE = 30;
  var body = document.body;
  var errors = [];

  function noteError(message) {
    errors.push(String(message));
    body.setAttribute("data-js-errors", errors.join(" | "));
  }
  window.addEventListener("error", function (event) {
    noteError(event.message + " (line " + event.lineno + ")");
  });
  window.addEventListener("unhandledrejection", function (event) {
    noteError("unhandled rejection: " + event.reason);
  });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Runs alternate plain / marked text, starting with plain. */
  function runs(pieces) {
    return pieces.map(function (piece, i) {
      return i % 2 ? el("mark", {}, [piece]) : document.createTextNode(piece);
    });
  }

  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var articles = DATA.articles;
  var byId = {};
  articles.forEach(function (a) { byId[a.id = a.article_id] = a; });
  var state = { search: "", outlet: "", source: "", derivation: "", page: 0, current: null };
  var listed = articles;

  function outletOf(a) { return a.outlet || "(unknown)"; }
  function percent(x) { return x === null || x === undefined ? "" : Math.round(x * 100) + "%"; }
  function articleLink(id, text) {
    return el("a", { href: "#article=" + encodeURIComponent(id) }, [text || id]);
  }

  function fillSelect(id, values) {
    var select = document.getElementById(id);
    values.forEach(function (v) { select.appendChild(el("option", { value: v }, [v])); });
    select.addEventListener("change", function () {
      state[id.slice(2)] = select.value;
      state.page = 0;
      renderList();
    });
  }

  function matches(a) {
    var q = state.search.toLowerCase();
    if (q && (a.title || "").toLowerCase().indexOf(q) < 0 && a.id.toLowerCase().indexOf(q) < 0) return false;
    if (state.outlet && outletOf(a) !== state.outlet) return false;
    if (state.source && a.sources.indexOf(state.source) < 0) return false;
    if (state.derivation && a.derivation !== state.derivation) return false;
    return true;
  }

  function renderList() {
    listed = articles.filter(matches);
    var pages = Math.max(1, Math.ceil(listed.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * PAGE_SIZE;
    var items = document.getElementById("list-items");
    items.textContent = "";
    listed.slice(start, start + PAGE_SIZE).forEach(function (a) {
      var meta = [outletOf(a), a.published, a.n_alignments + " alignments", a.derivation && a.derivation + " " + percent(a.derived_fraction)];
      var item = el("li", { "data-id": a.id, "class": a.id === state.current ? "current" : null }, [
        el("span", { "class": "t", title: a.title || a.id }, [a.title || a.id]),
        el("span", { "class": "m" }, [meta.filter(Boolean).join(" · ")]),
      ]);
      item.addEventListener("click", function () { location.hash = "article=" + encodeURIComponent(a.id); });
      items.appendChild(item);
    });
    document.getElementById("list-count").textContent = listed.length + " of " + articles.length + " articles";
    document.getElementById("page").textContent = "page " + (state.page + 1) + " / " + pages;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
  }

  function attributionTable(rows) {
    if (!rows.length) return null;
    return el("table", { "class": "attr" }, [el("tbody", {}, rows.map(function (r) {
      /* [source, method, confidence, evidence, chain_role] */
      return el("tr", {}, [
        el("td", {}, [el("b", {}, [r[0]]), r[4] && r[4] !== "source" ? " (" + r[4] + ")" : ""]),
        el("td", { "class": "m-" + r[1] }, [r[1]]),
        el("td", {}, [String(r[2])]),
        el("td", {}, [r[3]]),
      ]);
    }))]);
  }

  function pane(role, side, label) {
    return el("div", { "class": "pane", "data-pane": role }, [el("span", { "class": "who" }, label)].concat(runs(side[2])));
  }

  function pairView(article, index) {
    var al = DATA.alignments[index];
    var mine = al.sides[0][0] === article.id ? 0 : 1;
    var here = al.sides[mine], there = al.sides[1 - mine];
    var other = byId[there[0]] || { id: there[0], title: there[0] };
    // an undecided pair is stored with the smaller id as source: its sides say nothing of order
    var direction = al.undecided ? "aligned, which came first is undecided" :
      mine === 1 ? "source (earlier)" : "derived copy (later)";
    return el("div", { "class": "pair", "data-alignment": al.id }, [
      el("div", { "class": "pair-head" }, [
        "alignment " + al.id + " · " + al.kind + " · score " + al.score +
        (al.cluster !== null ? " · cluster " + al.cluster : "") + (al.same_outlet ? " · same outlet" : ""),
      ]),
      pane("this", here, ["this article, ¶" + here[1].split("/").pop()]),
      pane("other", there, [
        direction + ": ",
        articleLink(other.id, (other.outlet ? other.outlet + " · " : "") + (other.title || other.id)),
        " ¶" + there[1].split("/").pop(),
      ]),
    ]);
  }

  function renderArticle(id) {
    var a = byId[id];
    var view = document.getElementById("article-view");
    view.textContent = "";
    if (!a) {
      view.appendChild(el("p", {}, [articles.length ? "No article " + id + "." : "No articles in this database."]));
      return;
    }
    state.current = id;
    body.setAttribute("data-article", id);
    var chips = [el("span", { "class": "chip" }, [outletOf(a)]), el("span", { "class": "chip" }, [a.kind])];
    if (a.published) chips.push(el("span", { "class": "chip" }, [a.published]));
    if (a.derivation) chips.push(el("span", { "class": "chip " + a.derivation }, [a.derivation + " derived " + percent(a.derived_fraction)]));
    if (a.top_source_article_id) chips.push(el("span", { "class": "chip" }, ["top source: ", articleLink(a.top_source_article_id, a.top_source || a.top_source_article_id)]));
    a.sources.forEach(function (s) { chips.push(el("span", { "class": "chip" }, ["source: " + s])); });
    view.appendChild(el("h2", {}, [a.title || a.id]));
    view.appendChild(el("p", { "class": "meta" }, [a.id + (a.url ? " · " + a.url : "") + (a.language ? " · " + a.language : "")]));
    view.appendChild(el("div", { "class": "chips" }, chips));
    a.paragraphs.forEach(function (p) {
      var content = [el("div", { "class": "ptext" }, runs(p.runs)), attributionTable(p.attributions)];
      p.alignments.forEach(function (index) { content.push(pairView(a, index)); });
      view.appendChild(el("div", { "class": "para " + p.role, "data-paragraph": p.id }, [
        el("div", { "class": "role", title: p.reason || "" }, [el("b", {}, ["¶" + p.seq]), p.role]),
        el("div", {}, content),
      ]));
    });
    Array.prototype.forEach.call(document.querySelectorAll("#list-items li"), function (li) {
      li.className = li.getAttribute("data-id") === id ? "current" : "";
    });
  }

  function fromHash() {
    var match = /^#article=(.+)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function route(event) {
    var id = fromHash();
    if (id !== null || state.current === null) renderArticle(id !== null ? id : DATA.default_article);
    /* a link followed inside the page brings the newly opened article into view */
    if (event && id !== null) document.getElementById("explorer").scrollIntoView();
  }

  try {
    fillSelect("f-outlet", DATA.outlets);
    fillSelect("f-source", DATA.sources);
    fillSelect("f-derivation", []);
    var search = document.getElementById("f-search");
    search.addEventListener("input", function () { state.search = search.value; state.page = 0; renderList(); });
    document.getElementById("prev").addEventListener("click", function () { state.page -= 1; renderList(); });
    document.getElementById("next").addEventListener("click", function () { state.page += 1; renderList(); });
    window.addEventListener("hashchange", route);
    renderList();
    route();
    body.setAttribute("data-js-status", "ready");
  } catch (err) {
    noteError(err && err.stack ? err.stack : err);
    body.setAttribute("data-js-status", "failed");
  }
})();
