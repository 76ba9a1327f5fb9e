/* Copy buttons for the calendar addresses on /calendar.
 *
 * Progressive enhancement only: without JavaScript each address is a
 * read-only field to select and copy, and the buttons stay hidden. This
 * script shows the buttons, copies on click and says so in the page's live
 * region.
 */
(function () {
  "use strict";

  var status = document.getElementById("copy-status");

  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    return new Promise(function (resolve, reject) {
      field.focus();
      field.select();
      try {
        if (document.execCommand("copy")) { resolve(); } else { reject(); }
      } catch (error) {
        reject(error);
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-select-on-focus]"), function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });

  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(field).then(function () {
        announce(button.getAttribute("data-copied"));
      }, function () {
        field.focus();
        field.select();
        announce(button.getAttribute("data-failed"));
      });
    });
  });
}());
