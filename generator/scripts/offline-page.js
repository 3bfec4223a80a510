/* The offline page, shown at the address of a page that is neither online
 * nor kept: list the pages this browser has kept, with their titles from the
 * build's file list, so the learner can go on reading. It stands alone (it
 * is served at any depth), so it is inlined into offline.html. */
(function () {
  "use strict";

  var list = document.getElementById("course-kept");
  var home = document.getElementById("course-home");
  if (!("serviceWorker" in navigator) || !window.caches) return;
  navigator.serviceWorker.ready.then(function (registration) {
    var root = new URL(registration.scope);
    home.href = new URL("index.html", root).href;
    return caches.match(new URL(list.getAttribute("data-file-list"), root).href).then(function (response) {
      if (!response) return;
      return response.json().then(function (files) {
        return caches.open("course-" + files.version).then(function (cache) {
          return cache.keys().then(function (requests) {
            var prefix = root.pathname;
            requests.forEach(function (request) {
              var path = new URL(request.url).pathname.slice(prefix.length);
              if (!/\.html$/.test(path) || path === "offline.html" || !files.titles[path]) return;
              var item = document.createElement("li");
              var link = document.createElement("a");
              link.href = request.url;
              link.textContent = files.titles[path];
              item.appendChild(link);
              list.appendChild(item);
            });
            list.parentNode.hidden = !list.children.length;
          });
        });
      });
    });
  });
})();
