// Title candidates on the draft editor page: clicking one puts its text in the title
// field. The field then fires an input event as typing does, so the analysis panel,
// the autosave and the edit count treat the change like any other edit.
// In an English draft the server derives the slug from the title. When the slug field
// still contains the slug of the previous title or of a candidate, the editor has not
// written their own, so it follows the chosen title. Japanese drafts take their slug
// from the keywords, so it stays as it is.
(function () {
  "use strict";

  const list = document.getElementById("title-candidates");
  const title = document.getElementById("id_title");
  if (!list || !title) {
    return;
  }
  const slug = list.dataset.slugFromTitle === "on" ? document.getElementById("id_slug") : null;
  const SLUG_MAX_LENGTH = 80;

  // The same rule as Django's slugify() without allow_unicode, cut to the length the
  // server keeps: ASCII letters, digits, underscores and single hyphens.
  function slugFor(text) {
    const ascii = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    const words = ascii.toLowerCase().replace(/[^\w\s-]/g, "");
    const slugged = words.replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
    return slugged.slice(0, SLUG_MAX_LENGTH).replace(/^-+|-+$/g, "");
  }

  function slugIsGenerated(previousTitle) {
    if (slug.value === slugFor(previousTitle)) {
      return true;
    }
    return Array.prototype.some.call(
      list.querySelectorAll("button.title-candidate"),
      function (button) { return slug.value === slugFor(button.dataset.title); }
    );
  }

  function updateSlug(previousTitle) {
    if (!slug || slug.readOnly || slug.disabled || !slugIsGenerated(previousTitle)) {
      return;
    }
    const next = slugFor(title.value);
    if (next && next !== slug.value) {
      slug.value = next;
      slug.dispatchEvent(new Event("input", { bubbles: true }));
      slug.dispatchEvent(new Event("change", { bubbles: true }));
    }
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
    const previousTitle = title.value;
    title.value = button.dataset.title;
    updateSlug(previousTitle);
    title.dispatchEvent(new Event("input", { bubbles: true }));
    title.dispatchEvent(new Event("change", { bubbles: true }));
    markChosen(title.value);
    title.focus();
  });

  title.addEventListener("input", function () {
    markChosen(title.value);
  });
})();
