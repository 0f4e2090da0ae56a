// Copy buttons: a button with data-copy="ID" copies the text of the element with that id,
// then writes the data-done words of its data-status element (in the reader's language) there.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (!source) return;
  var text = source.value !== undefined ? source.value : source.textContent;
  var done = function () {
    button.setAttribute("data-copied", "true");
    var status = document.getElementById(button.getAttribute("data-status"));
    if (status) status.textContent = status.getAttribute("data-done") || "";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { source.select(); });
  } else {
    source.focus();
    source.select();
    if (document.execCommand("copy")) done();
  }
});
