/* The installable course, on the page side.
 *
 * Over http(s) only (never from file://, where the whole course is already on
 * the reader's disk): link the web app manifest, register the service worker
 * at the site root and, once it runs, ask it to keep this page and every file
 * the page loaded (the first page opened is loaded before the worker exists).
 * When the browser offers installation, a small 安装到桌面 button appears in
 * the header (and on the 离线阅读 page). On the 离线阅读 page a button saves
 * the whole course. <html data-course-offline="kept"> marks a page as kept.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL(script.getAttribute("data-root") || "./", location.href);
  var served = location.protocol === "http:" || location.protocol === "https:";
  var installEvent = null;

  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  function show(selector, visible) {
    each(selector, function (element) {
      element.hidden = !visible;
    });
  }

  function say(text) {
    each("[data-course-offline-status]", function (element) {
      element.textContent = text;
    });
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  /* Ask the active worker; answers (and progress) arrive at ``listen``. */
  function ask(worker, message, listen) {
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      listen(event.data || {});
    };
    worker.postMessage(message, [channel.port2]);
  }

  function pageFiles() {
    var urls = [location.href.split("#")[0]];
    performance.getEntriesByType("resource").forEach(function (entry) {
      urls.push(entry.name);
    });
    each("img[src], script[src], link[rel~='stylesheet'][href], link[rel~='icon'][href]", function (element) {
      urls.push(element.src || element.href);
    });
    return urls.filter(function (url) {
      return url.indexOf(root.origin) === 0;
    });
  }

  function describe(state) {
    if (state.error) {
      say("暂时无法读取离线保存的情况，请刷新页面后再试。");
    } else if (state.saved >= state.total) {
      say("整个课程已保存在本机（共 " + state.total + " 个文件），断网时也能阅读、搜索和做自测。");
    } else {
      say("已保存 " + state.saved + " / " + state.total + " 个文件；保存整个课程还需下载约 " + megabytes(state.missingBytes) + "。");
    }
  }

  function saveCourse(worker, button) {
    button.disabled = true;
    say("正在保存整个课程……");
    ask(worker, { type: "save-course" }, function (progress) {
      if (progress.error) {
        button.disabled = false;
        say("保存没有完成，请联网后再试。");
      } else if (!progress.finished) {
        say("正在保存整个课程：" + progress.done + " / " + progress.total);
      } else if (progress.failed) {
        button.disabled = false;
        say("有 " + progress.failed + " 个文件没有保存成功，请联网后再点一次。");
      } else {
        button.disabled = false;
        document.documentElement.setAttribute("data-course-saved", "course");
        describe({ saved: progress.total, total: progress.total });
      }
    });
  }

  function ready(registration) {
    var worker = registration.active;
    if (!worker) return;
    ask(worker, { type: "keep", urls: pageFiles() }, function (answer) {
      if (!answer.error) document.documentElement.setAttribute("data-course-offline", "kept");
    });
    if (document.querySelector("[data-course-offline-status]")) {
      ask(worker, { type: "status" }, describe);
    }
    each("[data-course-save]", function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        saveCourse(worker, button);
      });
    });
  }

  function offerInstall() {
    if (!document.querySelector(".course-install--header")) {
      var header = document.querySelector(".md-header__inner");
      var search = header && header.querySelector(".md-search");
      if (header) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "course-install course-install--header";
        button.setAttribute("data-course-install", "");
        button.textContent = "安装到桌面";
        header.insertBefore(button, search);
      }
    }
    each("[data-course-install]", function (button) {
      if (!button.hasAttribute("data-course-install-ready")) {
        button.setAttribute("data-course-install-ready", "");
        button.addEventListener("click", install);
      }
    });
    show("[data-course-install]", true);
  }

  function install() {
    var offered = installEvent;
    if (!offered) return;
    installEvent = null;
    show("[data-course-install]", false);
    offered.prompt();
  }

  if (!served) {
    say("您是从本机文件打开的课程：整个课程已经在这台设备上，不联网也能阅读、搜索和做自测。");
    return;
  }

  var link = document.createElement("link");
  link.rel = "manifest";
  link.href = new URL("manifest.webmanifest", root).href;
  document.head.appendChild(link);

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    installEvent = event;
    offerInstall();
  });
  window.addEventListener("appinstalled", function () {
    installEvent = null;
    show("[data-course-install]", false);
  });

  if (!("serviceWorker" in navigator)) {
    say("这个浏览器不支持离线保存，请换用新版的 Chrome、Edge、Safari 或 Firefox。");
    return;
  }
  say("正在准备离线保存……");
  window.addEventListener("load", function () {
    navigator.serviceWorker
      .register(new URL("service-worker.js", root).href)
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(ready)
      .catch(function () {
        say("离线保存没有启动（需要通过 HTTPS 打开课程网站）。");
      });
  });
})();
