// The portal's lists: on a phone the filters fold away above the list (open again with one tap on 筛选);
// on a wider screen they stay open. A static file: the CSP allows no inline script.
(function () {
  "use strict";
  var fold = document.getElementById("list-filters");
  if (fold && window.matchMedia("(max-width: 600px)").matches) {
    fold.open = false;
  }
})();
