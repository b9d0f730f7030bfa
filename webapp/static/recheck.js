// The lead confirmation page while the operator is being asked: look again every few
// seconds and replace only the answer (the #recheck live region), until it is there. Without
// JavaScript, the page's <noscript> refresh does the same for the whole page.
(function () {
  "use strict";
  function watch(section) {
    var seconds = Number(section.dataset.pollSeconds);
    if (!seconds) return; // the answer is there (or we stopped waiting)
    window.setTimeout(function () {
      fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("recheck");
          if (!fresh) return;
          // The live region stays; its content changes, so screen readers announce it.
          section.innerHTML = fresh.innerHTML;
          if (fresh.dataset.pollSeconds) {
            section.dataset.pollSeconds = fresh.dataset.pollSeconds;
          } else {
            delete section.dataset.pollSeconds;
          }
          watch(section);
        })
        .catch(function () { watch(section); });
    }, seconds * 1000);
  }
  var section = document.getElementById("recheck");
  if (section) watch(section);
})();
