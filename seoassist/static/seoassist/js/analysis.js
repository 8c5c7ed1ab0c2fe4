// Select the text that a check refers to in the Markdown body, so that it shows highlighted.
// The server counts offsets in code points, but textarea selections count UTF-16 units.
(function () {
  "use strict";
  if (window.seoassistAnalysis) {
    return;
  }
  window.seoassistAnalysis = true;

  function utf16Offset(text, codePoints) {
    var units = 0;
    var seen = 0;
    for (var char of text) {
      if (seen >= codePoints) {
        break;
      }
      units += char.length;
      seen += 1;
    }
    return units;
  }

  function selectSpan(link) {
    var body = document.getElementById("id_body");
    if (!body) {
      return;
    }
    var start = parseInt(link.dataset.start, 10);
    var end = parseInt(link.dataset.end, 10);
    if (isNaN(start) || isNaN(end)) {
      return;
    }
    var text = body.value;
    var from = utf16Offset(text, start);
    var to = utf16Offset(text, end);
    body.focus();
    body.setSelectionRange(from, to);
    // Scroll the selection into view: place the caret line near the top of the textarea.
    var before = text.slice(0, from).split("\n").length - 1;
    var lineHeight = parseFloat(window.getComputedStyle(body).lineHeight) || 20;
    body.scrollTop = Math.max(0, before * lineHeight - body.clientHeight / 3);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.analysis-span");
    if (!link) {
      return;
    }
    event.preventDefault();
    selectSpan(link);
  });
})();
