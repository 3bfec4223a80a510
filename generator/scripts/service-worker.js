/*
 * The course's service worker, published at the site root so its scope is the
 * whole site. Pages and the course's own files come from the network first
 * and from the cache when the network fails (or is very slow); the theme's
 * files, whose names hold a hash of their content, from the cache first.
 * Every page a learner opens is kept with what it loads; on request (the
 * 离线阅读 page) the whole course. A page neither online nor kept gets the
 * offline page. Only files in the build's list (precache.json, each with a
 * hash of its content) are ever kept; anything else goes to the network.
 * A new build gives a new version: its cache takes over what the old one
 * kept (copied when the file's hash is unchanged, fetched again when not) and
 * the old caches are deleted on activation. What a new version fetches skips
 * the browser's HTTP cache: a file changed within a second of the last build
 * would pass its revalidation.
 */
"use strict";

const BUILD = {"version": "unbuilt", "list": "precache.json", "offline": "offline.html"};
const PREFIX = "course-";
const CACHE = PREFIX + BUILD.version;
const ROOT = new URL("./", self.location.href);
const SAVING_AT_ONCE = 4;
const SLOW_NETWORK_MS = 4000;
const VERSIONED = /\.[0-9a-f]{8,}\.min\.(?:js|css)$/;

let listing = null;

/** The build's file list, from this version's cache (or the network, once). */
function fileList() {
  if (!listing) {
    listing = caches
      .open(CACHE)
      .then((cache) => cache.match(urlOf(BUILD.list)))
      .then((response) => response || fetch(urlOf(BUILD.list), { cache: "reload" }))
      .then((response) => response.json())
      .catch((error) => {
        listing = null;
        throw error;
      });
  }
  return listing;
}

function urlOf(path) {
  return new URL(path, ROOT).href;
}

/** The site path of a URL in scope ("" and "x/" are their index.html), else null. */
function sitePath(url) {
  const address = new URL(url);
  if (address.origin !== ROOT.origin || !address.pathname.startsWith(ROOT.pathname)) {
    return null;
  }
  let path = address.pathname.slice(ROOT.pathname.length);
  try {
    path = decodeURIComponent(path);
  } catch (error) {
    return null;
  }
  return path === "" || path.endsWith("/") ? path + "index.html" : path;
}

function keepable(response) {
  return response && response.ok && response.type === "basic";
}

/** Fetch a listed file and keep it; true when it was kept. */
function save(cache, path, options) {
  return fetch(urlOf(path), options)
    .then((response) => {
      if (!keepable(response)) {
        return false;
      }
      return cache.put(urlOf(path), response).then(() => true);
    })
    .catch(() => false);
}

/** What an earlier build's cache holds and this build still publishes. */
async function takeOver(cache, list) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) {
      continue;
    }
    const old = await caches.open(name);
    const oldListResponse = await old.match(urlOf(BUILD.list));
    const oldFiles = oldListResponse ? (await oldListResponse.json()).files || {} : {};
    for (const request of await old.keys()) {
      const path = sitePath(request.url);
      if (!path || path === BUILD.list || !(path in list.files)) {
        continue;
      }
      if (oldFiles[path] === list.files[path]) {
        const response = await old.match(request);
        if (response) {
          await cache.put(urlOf(path), response);
        }
      } else {
        await save(cache, path, { cache: "reload" });
      }
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch(urlOf(BUILD.list), { cache: "reload" });
      const list = await response.clone().json();
      if (list.version !== BUILD.version) {
        throw new Error("the file list belongs to another build");
      }
      const cache = await caches.open(CACHE);
      await cache.put(urlOf(BUILD.list), response);
      await takeOver(cache, list);
      const missing = [];
      for (const path of list.core) {
        if (!(await cache.match(urlOf(path)))) {
          missing.push(path);
        }
      }
      await Promise.all(missing.map((path) => save(cache, path, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

function delay(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/*
 * Network first, so a new build's pages and scripts are used at once; the
 * kept copy when the network fails, or when it is slower than SLOW_NETWORK_MS
 * (the network's answer still replaces the kept copy for next time).
 */
async function fromNetworkFirst(event, path) {
  const list = await fileList().catch(() => ({ files: {} }));
  const known = path in list.files;
  const cache = await caches.open(CACHE);
  const network = fetch(event.request).then((response) => {
    if (known && keepable(response)) {
      event.waitUntil(cache.put(urlOf(path), response.clone()));
    }
    return response;
  });
  event.waitUntil(network.then(() => {}, () => {}));
  const cached = known ? await cache.match(urlOf(path)) : undefined;
  if (cached) {
    return Promise.race([network.catch(() => cached), delay(SLOW_NETWORK_MS).then(() => cached)]);
  }
  try {
    return await network;
  } catch (error) {
    const offline = event.request.mode === "navigate" && (await cache.match(urlOf(BUILD.offline)));
    return offline || Response.error();
  }
}

/* Files whose name holds a hash of their content never change: cache first. */
async function fromCacheFirst(event, path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(urlOf(path));
  if (cached) {
    return cached;
  }
  return fromNetworkFirst(event, path);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) {
    return;
  }
  const path = sitePath(request.url);
  if (path === null || path === "service-worker.js") {
    return;
  }
  if (request.mode !== "navigate" && VERSIONED.test(path)) {
    event.respondWith(fromCacheFirst(event, path));
  } else {
    event.respondWith(fromNetworkFirst(event, path));
  }
});

/** Keep the listed paths not kept yet, a few at a time, telling ``progress``. */
async function keepAll(paths, progress) {
  const cache = await caches.open(CACHE);
  const missing = [];
  for (const path of paths) {
    if (!(await cache.match(urlOf(path)))) {
      missing.push(path);
    }
  }
  let done = paths.length - missing.length;
  let failed = 0;
  progress({ done: done, failed: failed, total: paths.length });
  const next = async () => {
    while (missing.length) {
      const ok = await save(cache, missing.shift());
      done += ok ? 1 : 0;
      failed += ok ? 0 : 1;
      progress({ done: done, failed: failed, total: paths.length });
    }
  };
  await Promise.all(Array.from({ length: SAVING_AT_ONCE }, next));
  return { done: done, failed: failed, total: paths.length, finished: true };
}

/** How much of the course is kept: files and bytes kept and still to fetch. */
async function status() {
  const list = await fileList();
  const cache = await caches.open(CACHE);
  let saved = 0;
  let missingBytes = 0;
  for (const path of list.course) {
    if (await cache.match(urlOf(path))) {
      saved += 1;
    } else {
      missingBytes += list.sizes[path] || 0;
    }
  }
  return { saved: saved, total: list.course.length, missingBytes: missingBytes };
}

/*
 * Messages from pages, each with a port for the answer:
 * {type: "keep", urls} keeps those of a page's files that are listed;
 * {type: "save-course"} keeps the whole course, reporting progress;
 * {type: "status"} says how much of it is kept.
 */
self.addEventListener("message", (event) => {
  const port = event.ports[0];
  const data = event.data || {};
  const reply = (message) => port && port.postMessage(message);
  const work = (async () => {
    const list = await fileList();
    if (data.type === "keep") {
      const paths = (data.urls || [])
        .map(sitePath)
        .filter((path, index, all) => path && path in list.files && all.indexOf(path) === index);
      reply(await keepAll(paths, () => {}));
    } else if (data.type === "save-course") {
      reply(await keepAll(list.course, reply));
    } else if (data.type === "status") {
      reply(await status());
    }
  })().catch((error) => reply({ error: String(error) }));
  event.waitUntil(work);
});
