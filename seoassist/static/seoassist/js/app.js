// Behaviour shared by every page, kept out of the templates so that the
// Content-Security-Policy can forbid inline scripts and event handlers.
(function () {
  "use strict";

  // A <select data-autosubmit> submits its form as soon as the choice changes.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
