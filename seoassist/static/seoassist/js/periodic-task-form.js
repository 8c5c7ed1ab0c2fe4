// Periodic-task admin form: show the human-readable form of the selected crontab schedule in the
// read-only "Crontab in words" row. The descriptions come from the JSON element that
// templates/admin/djcelery/change_periodictask_form.html renders.
(function () {
  "use strict";

  // Django admin's default empty_value_display, which the row shows when no crontab is chosen.
  const EMPTY_VALUE = "-";

  function setUp() {
    const data = document.getElementById("readable-crontabs");
    const select = document.getElementById("id_crontab");
    const translation = document.querySelector(".field-crontab_translation .readonly");
    if (!data || !select || !translation) {
      return;
    }
    const readableCrontabs = JSON.parse(data.textContent);

    function showSelected() {
      translation.textContent = readableCrontabs[select.value] || EMPTY_VALUE;
    }

    select.addEventListener("change", showSelected);
    showSelected();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
