/* sopflow e-SOP site: search and filters of the SOP list. No libraries, no network. */
(function () {
  "use strict";
  var table = document.getElementById("daftar-sop");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var query = document.getElementById("cari");
  var selects = {
    unit: document.getElementById("saring-unit"),
    status: document.getElementById("saring-status"),
    review: document.getElementById("saring-evaluasi")
  };
  var count = document.getElementById("jumlah");
  var none = document.getElementById("tidak-ada");

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function matches(row, words) {
    var text = row.getAttribute("data-search") || "";
    for (var i = 0; i < words.length; i++) {
      if (text.indexOf(words[i]) < 0) { return false; }
    }
    for (var key in selects) {
      var wanted = selects[key] ? selects[key].value : "";
      if (wanted && row.getAttribute("data-" + key) !== wanted) { return false; }
    }
    return true;
  }

  function apply() {
    var words = fold(query.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, words);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = "Menampilkan " + shown + " dari " + rows.length + " SOP";
    none.hidden = shown > 0;
  }

  document.getElementById("saring").addEventListener("submit", function (event) {
    event.preventDefault();
  });
  query.addEventListener("input", apply);
  for (var key in selects) {
    if (selects[key]) { selects[key].addEventListener("change", apply); }
  }
  apply();
}());
