/* Search over the copy's titles and text, from search-index.js: works from file://. */
(function () {
  "use strict";
  var index = window.SEARCH_INDEX || [];
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var fold = function (text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  };
  var folded = index.map(function (entry) { return fold(entry.t + " " + entry.x); });

  function snippet(text, term) {
    var at = fold(text).indexOf(term);
    if (at < 0) { return text.slice(0, 160); }
    var start = Math.max(0, at - 60);
    return (start ? "…" : "") + text.slice(start, at + term.length + 100) + "…";
  }

  function run() {
    var terms = fold(input.value).split(/\s+/).filter(Boolean);
    results.textContent = "";
    if (!terms.length) { status.textContent = index.length + " posts and pages to search."; return; }
    var found = 0;
    index.forEach(function (entry, i) {
      if (!terms.every(function (term) { return folded[i].indexOf(term) >= 0; })) { return; }
      found += 1;
      var item = document.createElement("li");
      var time = document.createElement("time");
      time.textContent = entry.d;
      var link = document.createElement("a");
      link.href = entry.u;
      link.textContent = entry.t || entry.u;
      var text = document.createElement("p");
      text.className = "excerpt";
      text.textContent = snippet(entry.x, terms[0]);
      item.append(time, " ", link, text);
      results.appendChild(item);
    });
    status.textContent = found + (found === 1 ? " result" : " results") + " for “" + input.value + "”.";
  }

  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; }
  input.addEventListener("input", run);
  run();
}());
