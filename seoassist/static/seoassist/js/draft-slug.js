// Keeps an English draft's slug in step with its title on the draft editor page.
// The server sets data-slug-follows-title="on" on #draft-form only while the slug is
// still the one derived from the title and the draft has never been exported. Any
// title change then updates the slug, whether typed or picked from the title
// candidates. Once the editor types in the slug field, the slug stays as written
// until the page is reloaded, and the server decides again from the saved text.
(function () {
  "use strict";

  const form = document.getElementById("draft-form");
  const title = document.getElementById("id_title");
  const slug = document.getElementById("id_slug");
  if (!form || !title || !slug || form.dataset.slugFollowsTitle !== "on") {
    return;
  }
  // The server's GENERATED_SLUG_LENGTH.
  const SLUG_MAX_LENGTH = 80;
  let following = true;
  // True while this script fills the slug, so its own input event is not a hand edit.
  let updating = false;

  // The same rule as Django's slugify() without allow_unicode, cut to the length the
  // server keeps: ASCII letters, digits, underscores and single hyphens.
  function slugFor(text) {
    const ascii = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    const words = ascii.toLowerCase().replace(/[^\w\s-]/g, "");
    const slugged = words.replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
    return slugged.slice(0, SLUG_MAX_LENGTH).replace(/^-+|-+$/g, "");
  }

  title.addEventListener("input", function () {
    if (!following || slug.readOnly || slug.disabled) {
      return;
    }
    const next = slugFor(title.value);
    // A title without ASCII words gives no slug; the last one stays until the title has some.
    if (!next || next === slug.value) {
      return;
    }
    slug.value = next;
    updating = true;
    try {
      slug.dispatchEvent(new Event("input", { bubbles: true }));
      slug.dispatchEvent(new Event("change", { bubbles: true }));
    } finally {
      updating = false;
    }
  });

  slug.addEventListener("input", function () {
    if (!updating) {
      following = false;
    }
  });
})();
