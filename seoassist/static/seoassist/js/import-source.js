// Show only the fields that the chosen import source uses: the file fields
// for an upload, the address field for a web page or a sitemap. The submit
// button names the action of that source with a label the page translated.
(function () {
  "use strict";

  function fieldOf(name) {
    var input = document.querySelector('[name="' + name + '"]');
    return input ? input.closest(".field") : null;
  }

  function update(select) {
    var fromFile = select.value === "file";
    ["kind", "file", "include_drafts", "include_attachments"].forEach(function (name) {
      var field = fieldOf(name);
      if (field) { field.hidden = !fromFile; }
    });
    var address = fieldOf("url");
    if (address) { address.hidden = fromFile; }
    var submit = document.getElementById("import-submit");
    if (submit) {
      submit.textContent = fromFile ? submit.dataset.fileLabel : submit.dataset.addressLabel;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector('select[name="source"]');
    if (!select) { return; }
    select.addEventListener("change", function () { update(select); });
    update(select);
  });
})();
