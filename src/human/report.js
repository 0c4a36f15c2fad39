"use strict";
(function () {
  var started = performance.now();
  var DOCS = JSON.parse(document.getElementById("docs").textContent);
  var TITLES = JSON.parse(document.getElementById("titles").textContent);
  var LABELS = JSON.parse(document.getElementById("labels").textContent);
  var list = document.getElementById("list");
  var body = list.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows), original = rows.slice();
  function $(id) { return document.getElementById(id); }
  var q = $("q"), cat = $("cat"), level = $("level"), kind = $("kind"), sev = $("sev"), field = $("field"), sortBy = $("sort");
  var detail = $("detail");
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  // A phone shows fewer documents per page: each is a card of many lines.
  var texts = null, matching = rows, page = 0, PAGE = window.matchMedia("(max-width:700px)").matches ? 20 : 100;
  // What a search looks in: the row as shown, except its result badge (a clean
  // document's "Không có lỗi" must not match "lỗi"), and every finding as the
  // detail shows it (code, kind, severity, message, place).
  function searchText(r) {
    var parts = [];
    Array.prototype.forEach.call(r.cells, function (td) { if (!td.classList.contains("status")) parts.push(td.textContent); });
    var d = DOCS[+r.dataset.i];
    d.f.concat(d.g).forEach(function (f) {
      parts.push(f[2], LABELS.kind[f[1]] || "", LABELS.severity[f[0]] || "", f[6], f[f.length - 1]);
    });
    return fold(parts.join(" \u0001 "));
  }
  // Only one page of the list is laid out at a time: a thousand rows at once
  // would take seconds on a slow office PC.
  function show() {
    var pages = Math.max(1, Math.ceil(matching.length / PAGE));
    page = Math.max(0, Math.min(page, pages - 1));
    var from = page * PAGE, to = from + PAGE, k = 0;
    rows.forEach(function (r) { r.hidden = true; });
    matching.forEach(function (r) { r.hidden = !(k >= from && k < to); k++; });
    list.dataset.matches = matching.length;
    $("shown").textContent = matching.length + "/" + rows.length + " tài liệu";
    $("page").textContent = "Trang " + (page + 1) + "/" + pages;
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
    $("empty").hidden = matching.length > 0;
  }
  function has(list, value) { return (" " + list + " ").indexOf(" " + value + " ") >= 0; }
  function apply() {
    var words = fold(q.value).split(/\s+/).filter(Boolean);
    if (words.length && !texts) texts = new Map(rows.map(function (r) { return [r, searchText(r)]; }));
    var c = cat.value, l = level.value, k = kind.value, s = sev.value, f = field.value;
    matching = rows.filter(function (r) {
      var d = r.dataset;
      return (!c || d.cat === c) && (!l || d.level === l) && (!k || has(d.kinds, k)) && (!s || has(d.sev, s)) &&
        (!f || has(d.fields, f)) && words.every(function (w) { return texts.get(r).indexOf(w) >= 0; });
    });
    page = 0;
    show();
    Array.prototype.forEach.call(document.querySelectorAll(".card"), function (b) {
      b.classList.toggle("on", b.dataset.cat === c);
    });
  }
  $("prev").addEventListener("click", function () { page--; show(); });
  $("next").addEventListener("click", function () { page++; show(); });
  q.addEventListener("input", apply);
  [cat, level, kind, sev, field].forEach(function (s) { s.addEventListener("change", apply); });
  Array.prototype.forEach.call(document.querySelectorAll(".card"), function (b) {
    b.addEventListener("click", function () { cat.value = cat.value === b.dataset.cat ? "" : b.dataset.cat; apply(); });
  });
  var heads = list.tHead.rows[0].cells;
  // Sorts by a column (`col` < 0: the page's own order, worst first).
  function sort(col, asc) {
    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
    var key = function (r) {
      if (col < 0) return +r.dataset.o;
      var td = r.cells[col], v = td.dataset.v;
      return v !== undefined ? (v === "" ? (asc ? Infinity : -Infinity) : parseFloat(v)) : td.textContent.trim();
    };
    if (col >= 0) heads[col].setAttribute("aria-sort", asc ? "ascending" : "descending");
    var sorted = original.map(function (r, k) { return [key(r), k, r]; });
    sorted.sort(function (a, b) {
      var d = typeof a[0] === "number" ? a[0] - b[0] : a[0].localeCompare(b[0], "vi");
      return (asc ? d : -d) || a[1] - b[1];
    });
    sorted.forEach(function (s) { body.appendChild(s[2]); });
    var order = new Map(sorted.map(function (s, k) { return [s[2], k]; }));
    rows = sorted.map(function (s) { return s[2]; });
    matching = matching.slice().sort(function (a, b) { return order.get(a) - order.get(b); });
    show();
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    function byHead() { sort(col, th.getAttribute("aria-sort") !== "ascending"); sortBy.value = ""; }
    th.addEventListener("click", byHead);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") byHead(); });
  });
  sortBy.addEventListener("change", function () {
    var v = sortBy.value.split(":");
    sort(v[0] === "" ? -1 : +v[0], v[0] === "" || v[1] === "asc");
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
  // What a finding rests on: its criteria rows as read with its cells
  // highlighted and where each was read, then the page region drawn from the
  // boxes read (a PDF) or the scan's pixels around those cells (a crop, read
  // from its element only now).
  function view(d, i, v) {
    var box = el("div", "view"), rows = v[0], marks = v[1];
    box.appendChild(table("view-rows", ["Mã", "Tiêu chí"].concat(d.c), function (tb) {
      rows.forEach(function (k) {
        var r = d.r[k], tr = el("tr");
        var cells = [[-1, r[0]], [-2, TITLES[r[1]]]].concat(r[2].map(function (x, c) {
          return [c, typeof x === "number" ? String(x).replace(".", ",") : x];
        }));
        cells.forEach(function (c) {
          var m = marks.filter(function (m) { return m[0] === k && m[1] === c[0]; })[0];
          var td = el("td", (c[0] >= 0 ? "n" : "") + (m ? " hl" : ""), c[1]);
          if (m && m[2]) td.appendChild(el("small", "at", m[2]));
          tr.appendChild(td);
        });
        tb.appendChild(tr);
      });
    }));
    if (v[2]) {
      box.appendChild(el("p", "meta", "Vùng trang như parcheck đã đọc: khung các ô và giá trị đọc được, ô của phát hiện tô đỏ."));
      var drawing = el("div", "drawing");
      drawing.innerHTML = v[2];
      box.appendChild(drawing);
    }
    var c = v[3], data = c && $("c" + i + "-" + c[0]);
    if (data) {
      box.appendChild(el("p", "meta", "Ảnh quét trang " + c[4] + " quanh các ô, ô của phát hiện đóng khung đỏ:"));
      // The frames over the image: numbers only, so markup is safe here.
      var wrap = el("div", "crop"), img = el("img");
      wrap.style.maxWidth = c[1] + "px";
      wrap.innerHTML = '<svg viewBox="0 0 ' + c[1] + " " + c[2] + '">' + c[3].map(function (b) {
        return '<rect x="' + b[0] + '" y="' + b[1] + '" width="' + (b[2] - b[0]) + '" height="' + (b[3] - b[1]) + '"></rect>';
      }).join("") + "</svg>";
      img.src = "data:image/jpeg;base64," + data.textContent;
      img.width = c[1];
      img.height = c[2];
      img.alt = "Ảnh quét trang " + c[4];
      wrap.insertBefore(img, wrap.firstChild);
      box.appendChild(wrap);
    }
    return box;
  }
  // A finding's row opens its details below it and marks the criterion's row in the table.
  function findingRow(s, f, cells, extra, open) {
    var tr = el("tr", "finding sev-" + f[0]);
    tr.tabIndex = 0;
    cells.forEach(function (c) { tr.appendChild(el("td", c[1], c[0])); });
    function toggle() {
      var next = tr.nextElementSibling;
      if (next && next.classList.contains("finding-detail")) { next.remove(); tr.classList.remove("open"); return; }
      tr.classList.add("open");
      var info = el("tr", "finding-detail"), td = el("td");
      td.colSpan = cells.length;
      var lines = [["Loại", LABELS.kind[f[1]] || LABELS.other], ["Mức độ", LABELS.severity[f[0]]], ["Mã tiêu chí", f[2]],
        ["Cột", f[3] ? LABELS.column[f[3]] || f[3] : ""], ["Giá trị ghi", f[4]], ["Tính lại / đúng", f[5]],
        ["Vị trí", f[f.length - 1]]].concat(extra);
      lines.filter(function (l) { return l[1] !== null && l[1] !== undefined && l[1] !== ""; }).forEach(function (l) {
        var p = el("p");
        p.appendChild(el("b", "", l[0] + ": "));
        p.appendChild(document.createTextNode(String(l[1])));
        td.appendChild(p);
      });
      td.appendChild(el("p", "", f[6]));
      if (open) td.appendChild(open());
      info.appendChild(td);
      tr.after(info);
      Array.prototype.forEach.call(s.querySelectorAll("table.crit tr.current"), function (r) { r.classList.remove("current"); });
      var target = Array.prototype.filter.call(s.querySelectorAll("table.crit tbody tr"), function (r) {
        return f[2] && r.cells[0].textContent === f[2];
      });
      target.forEach(function (r) { r.classList.add("current"); });
      if (target.length) td.appendChild(el("p", "meta", "Dòng của tiêu chí được tô trong bảng điểm bên dưới."));
    }
    tr.addEventListener("click", toggle);
    tr.addEventListener("keydown", function (e) { if (e.key === "Enter") toggle(); });
    return tr;
  }
  function render(i) {
    var d = DOCS[i], s = el("section", "doc");
    s.id = "doc-" + i;
    var close = el("button", "close", "Đóng");
    close.type = "button";
    close.addEventListener("click", function () { s.remove(); });
    s.appendChild(close);
    var h2 = el("h2", "", (d.u || d.p) + " ");
    h2.appendChild(el("span", "badge b-" + d.b[0], d.b[1]));
    s.appendChild(h2);
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
      s.appendChild(el("h3", "", d.f.length ? "Phát hiện (" + d.f.length + ") — bấm vào một dòng để xem chi tiết" : "Không có phát hiện nào về số học"));
    }
    var column = function (f) { return f[3] ? LABELS.column[f[3]] || f[3] : ""; };
    var opener = function (v) { return v ? function () { return view(d, i, v); } : null; };
    if (d.f.length) {
      s.appendChild(table("findings", ["Mức độ", "Mã", "Loại", "Cột", "Giá trị ghi", "Tính lại / đúng", "Nội dung", "Vị trí"],
        function (tb) {
          d.f.forEach(function (f, k) {
            tb.appendChild(findingRow(s, f, [[LABELS.severity[f[0]]], [f[2]], [LABELS.kind[f[1]] || LABELS.other], [column(f)],
              [f[4], "n"], [f[5], "n"], [f[6]], [f[7]]], [], opener(d.v[k])));
          });
        }));
    }
    if (d.g.length) {
      s.appendChild(el("h3", "", "Thang điểm và tài liệu kiểm chứng (" + d.g.length + ")"));
      s.appendChild(table("findings", ["Mức độ", "Mã", "Loại", "Cột", "Giá trị ghi", "Theo thang điểm / đúng", "Nội dung", "Căn cứ", "Vị trí"],
        function (tb) {
          d.g.forEach(function (f, k) {
            tb.appendChild(findingRow(s, f, [[LABELS.severity[f[0]]], [f[2]], [LABELS.kind[f[1]] || LABELS.other], [column(f)],
              [f[4], "n"], [f[5], "n"], [f[6]], [f[7]], [f[8]]], [["Căn cứ", f[7]]], opener(d.w[k])));
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
            tr.appendChild(el("td", m ? "n bad-" + m : "n", typeof v === "number" ? String(v).replace(".", ",") : v));
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
    var i = +b.closest("tr").dataset.i, old = $("doc-" + i);
    if (old) old.remove();
    var s = render(i);
    detail.insertBefore(s, detail.firstChild);
    s.scrollIntoView();
  });
  // Printing lays out only what is open: the documents of the list's current page, not all of them.
  $("print-page").addEventListener("click", function () {
    detail.textContent = "";
    matching.filter(function (r) { return !r.hidden; }).forEach(function (r) { detail.appendChild(render(+r.dataset.i)); });
    window.print();
  });
  show();
  window.parcheckTimes = [started, performance.now()];
})();
