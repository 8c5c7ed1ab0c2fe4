// Autosave, edit-lock heartbeat and save-on-leave for the draft editor page.
// The page sets its URLs, intervals and translated labels as data attributes
// on #draft-form, and each server reply carries a translated message.
(function () {
  "use strict";

  const form = document.getElementById("draft-form");
  // The merge page keeps the lock alive but must not save the unmerged text on its own.
  if (!form || form.dataset.heartbeat !== "on") {
    return;
  }
  const autosaveOn = form.dataset.autosave === "on";
  const status = document.getElementById("save-status");
  const revisionCount = document.getElementById("revision-count");
  const versionInput = form.querySelector("input[name=version]");
  const tokenInput = form.querySelector("input[name=lock_token]");
  const autosaveMs = Number(form.dataset.autosaveSeconds || 60) * 1000;
  const heartbeatMs = Number(form.dataset.heartbeatSeconds || 30) * 1000;

  // Count edits, so an edit made while a save is in flight still counts as unsaved.
  let edits = 0;
  let savedEdits = 0;
  let saving = false;
  let active = true;
  let submitting = false;

  function showStatus(message, state) {
    status.textContent = message;
    status.dataset.state = state;
  }

  function stop(message) {
    active = false;
    window.clearInterval(autosaveTimer);
    window.clearInterval(heartbeatTimer);
    showStatus(message, "stopped");
    form.dataset.autosave = "off";
    form.dataset.heartbeat = "off";
  }

  function csrfToken() {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  async function autosave() {
    if (!active || !autosaveOn || saving || edits === savedEdits) {
      return;
    }
    saving = true;
    const sentEdits = edits;
    showStatus(form.dataset.savingLabel, "saving");
    try {
      const response = await post(form.dataset.autosaveUrl, new FormData(form));
      const reply = await response.json();
      if (reply.state === "saved" || reply.state === "unchanged") {
        versionInput.value = reply.version;
        savedEdits = sentEdits;
        showStatus(reply.message, "saved");
        if (revisionCount && reply.revision_count_label) {
          revisionCount.textContent = reply.revision_count_label;
        }
      } else if (reply.state === "conflict" || reply.state === "lock_lost") {
        stop(reply.message);
      } else {
        showStatus(reply.message, "error");
      }
    } catch (error) {
      showStatus(form.dataset.failedLabel, "error");
    } finally {
      saving = false;
    }
  }

  async function heartbeat() {
    if (!active) {
      return;
    }
    const body = new FormData();
    body.append("lock_token", tokenInput.value);
    try {
      const response = await post(form.dataset.heartbeatUrl, body);
      const reply = await response.json();
      if (!reply.held) {
        stop(reply.message);
      }
    } catch (error) {
      // A missed heartbeat is retried at the next interval; the lock lasts two minutes.
    }
  }

  form.addEventListener("input", function () {
    edits += 1;
  });
  form.addEventListener("submit", function () {
    submitting = true;
  });

  // Leaving the page: send unsaved text and free the lock. sendBeacon survives the unload.
  window.addEventListener("pagehide", function () {
    if (!active || submitting) {
      return;
    }
    // One request both saves and frees the lock, because two beacons may arrive
    // in either order and a save after the release would find the lock gone.
    if (autosaveOn && edits !== savedEdits) {
      const last = new FormData(form);
      last.append("release", "1");
      navigator.sendBeacon(form.dataset.autosaveUrl, last);
    } else {
      const release = new FormData();
      release.append("csrfmiddlewaretoken", csrfToken());
      release.append("lock_token", tokenInput.value);
      navigator.sendBeacon(form.dataset.releaseUrl, release);
    }
  });

  const autosaveTimer = autosaveOn ? window.setInterval(autosave, autosaveMs) : null;
  const heartbeatTimer = window.setInterval(heartbeat, heartbeatMs);
})();
