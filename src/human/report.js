"use strict";
(function () {
  var started = performance.now();
  var DOCS = JSON.parse(document.getElementById("docs").textContent);
  var TITLES = JSON.parse(document.getElementById("titles").textContent);
  var LABELS = JSON.parse(document.getElementById("labels").textContent);
  var list = document.getElementById("list");
  var body = list.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("q"), cat = document.getElementById("cat"), level = document.getElementById("level");
  var detail = document.getElementById("detail");
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  var texts = null, matching = rows, page = 0, PAGE = 100;
  // Only one page of the list is laid out at a time: a thousand rows at once
  // would take seconds on a slow office PC.
  function show() {
    var pages = Math.max(1, Math.ceil(matching.length / PAGE));
    page = Math.min(page, pages - 1);
    var from = page * PAGE, to = from + PAGE, k = 0;
    rows.forEach(function (r) { r.hidden = true; });
    matching.forEach(function (r) { r.hidden = !(k >= from && k < to); k++; });
    list.dataset.matches = matching.length;
    document.getElementById("shown").textContent = matching.length + "/" + rows.length + " tài liệu";
    document.getElementById("page").textContent = "Trang " + (page + 1) + "/" + pages;
    document.getElementById("prev").disabled = page === 0;
    document.getElementById("next").disabled = page >= pages - 1;
    document.getElementById("empty").hidden = matching.length > 0;
  }
  function apply() {
    if (!texts) texts = rows.map(function (r) { return fold(r.textContent); });
    var words = fold(q.value).split(/\s+/).filter(Boolean), c = cat.value, l = level.value;
    matching = rows.filter(function (r, k) {
      return (!c || r.dataset.cat === c) && (!l || r.dataset.level === l) &&
        words.every(function (w) { return texts[k].indexOf(w) >= 0; });
    });
    page = 0;
    show();
    Array.prototype.forEach.call(document.querySelectorAll(".card"), function (b) {
      b.classList.toggle("on", b.dataset.cat === c);
    });
  }
  document.getElementById("prev").addEventListener("click", function () { page--; show(); });
  document.getElementById("next").addEventListener("click", function () { page++; show(); });
  q.addEventListener("input", apply);
  cat.addEventListener("change", apply);
  level.addEventListener("change", apply);
  Array.prototype.forEach.call(document.querySelectorAll(".card"), function (b) {
    b.addEventListener("click", function () { cat.value = cat.value === b.dataset.cat ? "" : b.dataset.cat; apply(); });
  });
  Array.prototype.forEach.call(list.tHead.rows[0].cells, function (th, col) {
    function sort() {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(list.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var key = function (r) {
        var td = r.cells[col], v = td.dataset.v;
        return v !== undefined ? (v === "" ? -Infinity : parseFloat(v)) : td.textContent.trim();
      };
      var sorted = rows.map(function (r, k) { return [key(r), k, r]; });
      sorted.sort(function (a, b) {
        var d = typeof a[0] === "number" ? a[0] - b[0] : a[0].localeCompare(b[0], "vi");
        return (asc ? d : -d) || a[1] - b[1];
      });
      sorted.forEach(function (s) { body.appendChild(s[2]); });
      var order = new Map(sorted.map(function (s, k) { return [s[2], k]; }));
      rows = sorted.map(function (s) { return s[2]; });
      matching = matching.slice().sort(function (a, b) { return order.get(a) - order.get(b); });
      texts = null;
      show();
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
  });
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function table(cls, heads, fill) {
    var wrap = el("div", "wrap"), t = el("table", cls), th = el("thead"), tr = el("tr");
    heads.forEach(function (h) { tr.appendChild(el("th", "", h)); });
    th.appendChild(tr);
    t.appendChild(th);
    var tb = el("tbody");
    fill(tb);
    t.appendChild(tb);
    wrap.appendChild(t);
    return wrap;
  }
  function render(i) {
    var d = DOCS[i], s = el("section", "doc");
    s.id = "doc-" + i;
    var close = el("button", "close", "Đóng");
    close.type = "button";
    close.addEventListener("click", function () { s.remove(); });
    s.appendChild(close);
    s.appendChild(el("h2", "", d.u || d.p));
    s.appendChild(el("p", "meta", d.p));
    s.appendChild(el("p", "meta", [d.s].concat(d.m).join(" · ")));
    if (d.e) s.appendChild(el("p", "err", d.e));
    if (d.ok) s.appendChild(el("p", "meta", "Mọi ô, vai trò cột và loại dòng đã đọc: parcheck tables \"" + d.p + "\""));
    if (d.t.length) {
      s.appendChild(el("h3", "", "Tổng điểm"));
      s.appendChild(table("totals", [""].concat(d.c), function (tb) {
        d.t.forEach(function (t) {
          var tr = el("tr");
          tr.appendChild(el("th", "", t[0]));
          t[1].forEach(function (v) { tr.appendChild(el("td", "n", v)); });
          tb.appendChild(tr);
        });
      }));
    }
    if (d.ok) {
      s.appendChild(el("h3", "", d.f.length ? "Phát hiện (" + d.f.length + ")" : "Không có phát hiện nào về số học"));
    }
    if (d.f.length) {
      s.appendChild(table("findings", ["Mức độ", "Mã", "Loại", "Cột", "Giá trị ghi", "Tính lại / đúng", "Nội dung", "Vị trí"],
        function (tb) {
          d.f.forEach(function (f) {
            var tr = el("tr", "finding sev-" + f[0]);
            [LABELS.severity[f[0]], f[2], LABELS.kind[f[1]] || LABELS.other, f[3] ? LABELS.column[f[3]] || f[3] : ""]
              .forEach(function (v) { tr.appendChild(el("td", "", v)); });
            tr.appendChild(el("td", "n", f[4]));
            tr.appendChild(el("td", "n", f[5]));
            tr.appendChild(el("td", "", f[6]));
            tr.appendChild(el("td", "", f[7]));
            tb.appendChild(tr);
          });
        }));
    }
    if (d.g.length) {
      s.appendChild(el("h3", "", "Thang điểm và tài liệu kiểm chứng (" + d.g.length + ")"));
      s.appendChild(table("findings", ["Mức độ", "Mã", "Loại", "Cột", "Giá trị ghi", "Theo thang điểm / đúng", "Nội dung", "Căn cứ", "Vị trí"],
        function (tb) {
          d.g.forEach(function (f) {
            var tr = el("tr", "finding sev-" + f[0]);
            [LABELS.severity[f[0]], f[2], LABELS.kind[f[1]] || LABELS.other, f[3] ? LABELS.column[f[3]] : ""]
              .forEach(function (v) { tr.appendChild(el("td", "", v)); });
            tr.appendChild(el("td", "n", f[4]));
            tr.appendChild(el("td", "n", f[5]));
            [f[6], f[7], f[8]].forEach(function (v) { tr.appendChild(el("td", "", v)); });
            tb.appendChild(tr);
          });
        }));
    }
    if (d.r.length) {
      var marks = {};
      d.k.forEach(function (m) {
        var key = m[0] + ":" + m[1], order = { info: 0, warning: 1, error: 2 };
        if (!marks[key] || order[m[2]] > order[marks[key]]) marks[key] = m[2];
      });
      s.appendChild(el("h3", "", "Bảng điểm như parcheck đã đọc (" + d.r.length + " dòng)"));
      s.appendChild(table("crit", ["Mã", "Tiêu chí"].concat(d.c, ["Dòng", "Trang"]), function (tb) {
        d.r.forEach(function (r, k) {
          var whole = marks[k + ":-1"], tr = el("tr", whole ? "row-" + whole : "");
          tr.appendChild(el("td", "", r[0]));
          tr.appendChild(el("td", "", TITLES[r[1]]));
          r[2].forEach(function (v, c) {
            var m = marks[k + ":" + c];
            tr.appendChild(el("td", m ? "n bad-" + m : "n", v));
          });
          tr.appendChild(el("td", "n", r[3]));
          tr.appendChild(el("td", "n", r[4]));
          tb.appendChild(tr);
        });
      }));
    }
    return s;
  }
  body.addEventListener("click", function (e) {
    var b = e.target.closest("button.open");
    if (!b) return;
    var i = +b.closest("tr").dataset.i, old = document.getElementById("doc-" + i);
    if (old) old.remove();
    var s = render(i);
    detail.insertBefore(s, detail.firstChild);
    s.scrollIntoView();
  });
  document.getElementById("print-all").addEventListener("click", function () {
    detail.textContent = "";
    matching.forEach(function (r) { detail.appendChild(render(+r.dataset.i)); });
    window.print();
  });
  show();
  window.parcheckTimes = [started, performance.now()];
})();
