// Title candidates on the draft editor page: clicking one puts its text in the title
// field. The field then fires an input event as typing does, so the analysis panel,
// the autosave, the edit count and the slug (draft-slug.js) treat the change like
// any other edit.
(function () {
  "use strict";

  const list = document.getElementById("title-candidates");
  const title = document.getElementById("id_title");
  if (!list || !title) {
    return;
  }

  function markChosen(text) {
    list.querySelectorAll("button.title-candidate").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.title === text ? "true" : "false");
    });
  }

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button.title-candidate");
    if (!button || button.disabled || title.readOnly || title.disabled) {
      return;
    }
    title.value = button.dataset.title;
    title.dispatchEvent(new Event("input", { bubbles: true }));
    title.dispatchEvent(new Event("change", { bubbles: true }));
    markChosen(title.value);
    title.focus();
  });

  title.addEventListener("input", function () {
    markChosen(title.value);
  });
})();
