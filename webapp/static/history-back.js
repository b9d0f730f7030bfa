// "Go back" links (class history-back) return to the previous page, as the browser's Back
// button does. A file, not an inline `javascript:` link: the Content-Security-Policy allows
// scripts from our own origin only. Without JavaScript the link leads to its href.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.history-back");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
