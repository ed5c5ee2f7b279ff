/* packager preview: draws the rows, details and player of a Roku Direct Publisher channel.
 *
 * The rows and items are computed in Python (packager/preview/pagedata.py) and embedded in the
 * page as JSON; this script only draws them and handles the remote (arrow keys, Enter, Back).
 * Test contract (documented in the README): rows [data-row="<name>"], tiles
 * [data-item-id="<id>"] inside their row, the details view [data-details], the player
 * video[data-player].
 */
"use strict";

(function () {
  var state = { data: null, view: "home", rowIndex: 0, columns: [], lastTile: null, hls: null };

  // -- small DOM helpers ------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function showMessage(title, text, hint) {
    var app = document.getElementById("app");
    app.textContent = "";
    app.appendChild(el("div", { className: "message error", "data-error": true }, [
      el("h1", { text: title }),
      el("p", { className: "what", text: text }),
      hint ? el("p", { className: "hint", text: hint }) : null,
    ]));
  }

  function formatBytes(bytes) {
    return bytes >= 1024 * 1024 ? (bytes / 1048576).toFixed(1) + " MB" : Math.round(bytes / 1024) + " KB";
  }

  function formatDuration(seconds) {
    if (typeof seconds !== "number") return "";
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    if (h) return h + " h " + String(m).padStart(2, "0") + " min";
    return m + ":" + String(s).padStart(2, "0");
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // -- header -------------------------------------------------------------------------------

  var COUNT_LABELS = { movies: "movie", series: "series", shortFormVideos: "short-form video",
    tvSpecials: "TV special", liveFeeds: "live feed" };

  function renderHeader(data) {
    var s = data.summary;
    var counts = Object.keys(s.counts).filter(function (k) { return s.counts[k]; }).map(function (k) {
      return k === "series" ? s.counts[k] + " series" : plural(s.counts[k], COUNT_LABELS[k] || k);
    });
    var ratio = s.sizeBytes / s.limitBytes;
    var sizeClass = ratio >= 1 ? "bad" : ratio >= 0.8 ? "warn" : "ok";
    var validity = s.errors ? "bad" : s.warnings ? "warn" : "ok";
    var problems = el("button", { className: "summary-button " + validity, "data-summary": true,
      "data-focusable": true, onclick: toggleProblems,
      text: s.errors || s.warnings ? plural(s.errors, "error") + ", " + plural(s.warnings, "warning")
        : "Valid feed" });
    return el("header", { className: "top" }, [
      el("div", { className: "brand" }, [
        el("h1", { text: data.channel.providerName || "(no providerName)" }),
        el("p", { className: "origin", text: data.channel.origin }),
      ]),
      el("div", { className: "stats" }, [
        el("span", { className: "stat", "data-counts": true, text: counts.join(" · ") || "no items" }),
        el("span", { className: "stat size " + sizeClass, "data-size": true,
          title: "Roku's channel template refuses feeds of 500 KB or more" }, [
          formatBytes(s.sizeBytes) + " of " + formatBytes(s.limitBytes),
          el("span", { className: "bar" }, [el("span", { style: "width:" + Math.min(100, ratio * 100).toFixed(1) + "%" })]),
        ]),
        s.flagged ? el("span", { className: "stat flagged", text: plural(s.flagged, "item") + " flagged" }) : null,
        problems,
      ]),
    ]);
  }

  // What Roku's channel template would show instead of these rows (spec, "Verified against
  // Roku's own channel template"): nothing when an item lacks genres, one tile when too large.
  function templateBanners(data) {
    var s = data.summary, banners = [];
    var dropping = Object.keys(data.items).filter(function (id) {
      return data.items[id].flags.some(function (f) { return f.kind === "drop"; });
    });
    if (s.sizeBytes >= s.limitBytes) {
      banners.push("The feed is " + formatBytes(s.sizeBytes) + ", over the " + formatBytes(s.limitBytes) +
        " limit: Roku's channel template shows a single \u201cFeed is too large\u201d tile instead of these rows.");
    }
    if (dropping.length) {
      var titles = dropping.map(function (id) { return data.items[id].title; });
      banners.push(plural(dropping.length, "item") + " without genres (" + titles.slice(0, 5).join(", ") +
        (dropping.length > 5 ? ", \u2026" : "") + "): Roku's channel template reads genres[0] of every item, " +
        "so on the TV this channel shows nothing.");
    }
    return banners.map(function (text) { return el("p", { className: "template-warning", "data-template-warning": true, text: text }); });
  }

  function problemLine(p) {
    return el("li", { className: p.severity }, [
      el("code", { text: p.pointer || "/" }), " ", el("strong", { text: p.severity }), " " + p.message,
    ]);
  }

  function renderProblemsPanel(data) {
    var lines = data.summary.feedProblems.map(problemLine);
    Object.keys(data.items).forEach(function (id) {
      data.items[id].problems.forEach(function (p) { lines.push(problemLine(p)); });
    });
    return el("section", { className: "problems-panel", id: "problems", hidden: true }, [
      el("h2", { text: "Validation" }),
      lines.length ? el("ul", {}, lines) : el("p", { text: "No problems: the feed is valid." }),
    ]);
  }

  function toggleProblems() {
    var panel = document.getElementById("problems");
    panel.hidden = !panel.hidden;
  }

  // -- home: rows and tiles -------------------------------------------------------------------

  function posterBox(item) {
    var box = el("div", { className: "poster" });
    if (!item.thumbnail) {
      box.classList.add("broken");
      box.appendChild(el("span", { className: "placeholder", text: "No poster" }));
      return box;
    }
    var img = el("img", { src: item.thumbnail, alt: "", loading: "eager" });
    img.addEventListener("error", function () {
      box.classList.add("broken");
      img.remove();
      box.appendChild(el("span", { className: "placeholder", "data-broken-poster": true,
        text: "Poster failed to load" }));
    });
    box.appendChild(img);
    return box;
  }

  function badges(item) {
    var list = [];
    if (item.live) list.push(el("span", { className: "badge live", text: "LIVE" }));
    if (item.series) list.push(el("span", { className: "badge series", text: "SERIES" }));
    var errors = item.problems.filter(function (p) { return p.severity === "error"; }).length;
    var warnings = item.problems.length - errors;
    if (errors) list.push(el("span", { className: "badge error", "data-badge": "error", text: plural(errors, "error") }));
    else if (warnings) list.push(el("span", { className: "badge warning", "data-badge": "warning", text: plural(warnings, "warning") }));
    item.flags.forEach(function (f) {
      list.push(el("span", { className: "badge flag-" + f.kind, "data-flag": f.kind, title: f.message,
        text: f.kind === "drop" ? "BREAKS CHANNEL" : f.message.indexOf("thumbnail") >= 0 ? "NO POSTER" : "NO VIDEO" }));
    });
    return el("div", { className: "badges" }, list);
  }

  function renderTile(item, rowIndex, col) {
    var title = item.problems.map(function (p) { return p.severity + ": " + p.message; })
      .concat(item.flags.map(function (f) { return f.message; })).join("\n");
    return el("button", { className: "tile" + (item.flags.length ? " flagged" : ""), type: "button",
      "data-item-id": item.id, "data-row-index": rowIndex, "data-col": col, title: title || item.title,
      onclick: function () { openDetails(item); },
      onfocus: function () { state.rowIndex = rowIndex; state.columns[rowIndex] = col; spotlight(item); } }, [
      posterBox(item), badges(item), el("span", { className: "tile-title", text: item.title }),
    ]);
  }

  function renderRow(row, index, items) {
    var tiles = row.items.map(function (id, col) { return renderTile(items[id], index, col); });
    var notes = [row.detail + (row.order ? " · " + row.order : "")];
    if (row.missing.length) notes.push(plural(row.missing.length, "id") + " not in the feed: " + row.missing.join(", "));
    if (row.note) notes.push(row.note);
    return el("section", { className: "row" + (tiles.length ? "" : " empty"), "data-row": row.name }, [
      el("div", { className: "row-head" }, [
        el("h2", { text: row.name }), el("span", { className: "row-note", text: notes.join(" — ") }),
      ]),
      tiles.length ? el("div", { className: "tiles" }, tiles)
        : el("p", { className: "empty-row", text: "Empty row: Roku does not show it." }),
    ]);
  }

  // The focused item's title, facts and description above the rows, as on a TV home screen.
  function spotlight(item) {
    var box = document.getElementById("spotlight");
    if (!box) return;
    box.textContent = "";
    box.appendChild(el("h2", { text: item.title }));
    box.appendChild(el("p", { className: "meta", text: metaLine(item) + (item.genres.length ? " · " + item.genres.join(", ") : "") }));
    box.appendChild(el("p", { className: "short", text: item.shortDescription }));
  }

  function renderHome(data) {
    var home = el("main", { id: "home" }, [el("div", { className: "spotlight", id: "spotlight", "aria-live": "polite" })]);
    data.rows.forEach(function (row, index) { home.appendChild(renderRow(row, index, data.items)); });
    if (!data.rows.length) {
      home.appendChild(el("div", { className: "message error", "data-error": true }, [
        el("h2", { text: "The feed has no items to show" }),
        el("p", { text: "Add movies, series, shortFormVideos, tvSpecials or liveFeeds to the feed." }),
      ]));
    }
    return home;
  }

  // -- details ------------------------------------------------------------------------------

  function metaLine(item) {
    return [item.kindLabel, formatDuration(item.duration), item.releaseDate, item.rating]
      .filter(Boolean).join(" · ");
  }

  function field(label, value) {
    return value ? el("div", { className: "field" }, [el("dt", { text: label }), el("dd", { text: value })]) : null;
  }

  function playButton(item, label) {
    var disabled = !item.video;
    return el("button", { className: "play", type: "button", "data-focusable": true, "data-play": item.id,
      disabled: disabled, text: disabled ? "Nothing to play" : label,
      onclick: function () { play(item); } });
  }

  function episodeList(item) {
    return (item.seasons || []).map(function (season) {
      return el("section", { className: "season" }, [
        el("h3", { text: season.title + " · " + plural(season.episodes.length, "episode") }),
        el("div", { className: "episodes" }, season.episodes.map(function (ep) {
          return el("button", { className: "episode", type: "button", "data-focusable": true,
            "data-episode-id": ep.id, disabled: !ep.video, onclick: function () { play(ep); } }, [
            el("strong", { text: (ep.episodeNumber ? ep.episodeNumber + ". " : "") + ep.title }),
            el("span", { text: metaLine(ep) }),
            el("span", { className: "episode-desc", text: ep.shortDescription }),
          ]);
        })),
      ]);
    });
  }

  function openDetails(item) {
    state.lastTile = document.activeElement;
    var credits = item.credits.map(function (c) { return c.name + (c.role ? " (" + c.role + ")" : ""); }).join(", ");
    var problems = item.problems.map(problemLine).concat(item.flags.map(function (f) {
      return el("li", { className: "flag" }, [el("strong", { text: f.kind === "drop" ? "breaks the channel" : "blank" }), " " + f.message]);
    }));
    var firstEpisode = null;
    (item.seasons || []).forEach(function (s) { s.episodes.forEach(function (e) { if (!firstEpisode && e.video) firstEpisode = e; }); });
    var view = el("section", { className: "details", "data-details": item.id }, [
      el("div", { className: "details-poster" }, [posterBox(item)]),
      el("div", { className: "details-text" }, [
        el("h1", { text: item.title }),
        el("p", { className: "meta", text: metaLine(item) }),
        el("p", { className: "short", text: item.shortDescription }),
        item.longDescription ? el("p", { className: "long", text: item.longDescription }) : null,
        el("dl", {}, [field("Genres", item.genres.join(", ")), field("Tags", item.tags.join(", ")),
          field("Credits", credits), field("Captions", item.captions.map(function (c) { return c.label; }).join(", ")),
          field("Id", item.id)]),
        el("div", { className: "actions" }, [
          item.series ? playButton(firstEpisode || item, "Play first episode") : playButton(item, "Play"),
          el("button", { className: "back", type: "button", "data-focusable": true, text: "Back", onclick: goBack }),
        ]),
        problems.length ? el("ul", { className: "item-problems" }, problems) : null,
      ]),
      item.series ? el("div", { className: "seasons" }, episodeList(item)) : null,
    ]);
    showView("details", view);
    var first = view.querySelector("[data-focusable]:not([disabled])");
    if (first) first.focus();
  }

  // -- player -------------------------------------------------------------------------------

  function play(item) {
    stopPlayer();
    var video = el("video", { "data-player": item.id, controls: true, autoplay: true, playsinline: true,
      "data-focusable": true });
    item.captions.forEach(function (c, i) {
      video.appendChild(el("track", { kind: "subtitles", src: c.url, srclang: c.language, label: c.label, default: i === 0 }));
    });
    var status = el("p", { className: "player-status", "data-player-status": true });
    video.addEventListener("error", function () {
      var err = video.error;
      status.textContent = "The video could not be played: " + item.video.url +
        (err ? " (media error " + err.code + ")" : "");
    });
    var view = el("section", { className: "player" }, [video,
      el("div", { className: "player-bar" }, [el("strong", { text: item.title }),
        el("span", { text: item.video.type + " · Back: Esc" }), status])]);
    showView("player", view);
    attachSource(video, item.video, status);
    video.focus();
    var started = video.play();
    if (started && started.catch) started.catch(function () { video.muted = true; video.play().catch(function () {}); });
  }

  function attachSource(video, source, status) {
    if (source.type === "HLS" && source.local && location.protocol === "file:") {
      // A file:// page may not read other files (each is its own origin), and an HLS player
      // must read the playlist and its segments: the local stream plays over --serve.
      status.textContent = "This HLS stream is a local file, which a page opened from file:// " +
        "cannot read. Run: packager preview SOURCE --serve";
      return;
    }
    // HLS through hls.js where Media Source Extensions exist (the same player everywhere);
    // the browser's own HLS where it has one and hls.js cannot fetch (file:// pages).
    var native = Boolean(video.canPlayType("application/vnd.apple.mpegurl"));
    var hlsJs = Boolean(window.Hls && window.Hls.isSupported());
    if (source.type === "HLS" && !(native && (location.protocol === "file:" || !hlsJs))) {
      if (hlsJs) {
        state.hls = new window.Hls();
        state.hls.on(window.Hls.Events.ERROR, function (_event, info) {
          if (info.fatal) status.textContent = "The HLS stream could not be played: " + source.url + " (" + info.details + ")";
        });
        state.hls.loadSource(source.url);
        state.hls.attachMedia(video);
        return;
      }
      status.textContent = "This browser cannot play HLS (hls.js is not supported here).";
      return;
    }
    video.src = source.url;
  }

  function stopPlayer() {
    if (state.hls) { state.hls.destroy(); state.hls = null; }
    var old = document.querySelector("video[data-player]");
    if (old) { old.pause(); old.removeAttribute("src"); old.load(); }
  }

  // -- views and the remote -----------------------------------------------------------------

  var views = {};

  function showView(name, node) {
    var layer = document.getElementById("layer");
    if (name === "home") {
      layer.textContent = "";
      layer.hidden = true;
      document.getElementById("home").hidden = false;
    } else {
      if (name === "details") views.details = node;
      layer.textContent = "";
      layer.appendChild(node);
      layer.hidden = false;
      document.getElementById("home").hidden = true;
    }
    state.view = name;
  }

  function goBack() {
    if (state.view === "player") {
      stopPlayer();
      showView("details", views.details);
      var button = views.details.querySelector("[data-focusable]:not([disabled])");
      if (button) button.focus();
    } else if (state.view === "details") {
      showView("home");
      if (state.lastTile && document.body.contains(state.lastTile)) state.lastTile.focus();
      else focusTile(state.rowIndex, state.columns[state.rowIndex] || 0);
    }
  }

  function tilesOfRow(index) {
    var rows = document.querySelectorAll("#home .row");
    return rows[index] ? rows[index].querySelectorAll(".tile") : [];
  }

  function focusTile(rowIndex, col) {
    var tiles = tilesOfRow(rowIndex);
    if (!tiles.length) return false;
    var tile = tiles[Math.max(0, Math.min(col, tiles.length - 1))];
    tile.focus({ preventScroll: true });
    tile.scrollIntoView({ block: "nearest", inline: "nearest" });
    return true;
  }

  function focusRowFrom(index) {
    var rowCount = document.querySelectorAll("#home .row").length;
    for (var target = index; target < rowCount; target++) {
      if (focusTile(target, state.columns[target] || 0)) return true;
    }
    return false;
  }

  function moveVertically(step) {
    var rowCount = document.querySelectorAll("#home .row").length;
    var target = state.rowIndex + step;
    while (target >= 0 && target < rowCount) {
      if (focusTile(target, state.columns[target] || 0)) return;
      target += step;  // empty rows hold no focus
    }
    if (step < 0) document.querySelector("[data-summary]").focus();
  }

  function homeKey(key) {
    var active = document.activeElement;
    if (!active || !active.classList.contains("tile")) {
      if (key === "ArrowDown") focusRowFrom(state.rowIndex);
      return;
    }
    var col = Number(active.getAttribute("data-col"));
    if (key === "ArrowLeft") focusTile(state.rowIndex, col - 1);
    else if (key === "ArrowRight") focusTile(state.rowIndex, col + 1);
    else if (key === "ArrowUp") moveVertically(-1);
    else if (key === "ArrowDown") moveVertically(1);
  }

  function layerKey(key) {
    var focusables = Array.prototype.slice.call(document.querySelectorAll("#layer [data-focusable]:not([disabled])"));
    if (!focusables.length || state.view === "player") return;
    var index = focusables.indexOf(document.activeElement);
    var step = key === "ArrowUp" || key === "ArrowLeft" ? -1 : 1;
    var next = focusables[Math.max(0, Math.min(focusables.length - 1, index + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  function onKey(event) {
    var key = event.key;
    if (key === "Escape" || key === "Backspace" || key === "BrowserBack") {
      event.preventDefault();
      goBack();
    } else if (key.indexOf("Arrow") === 0) {
      if (state.view === "player") return;  // the video's own seeking and volume
      event.preventDefault();
      if (state.view === "home") homeKey(key);
      else layerKey(key);
    }
  }

  // -- start --------------------------------------------------------------------------------

  function start() {
    var source = document.getElementById("preview-data");
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      showMessage("The preview data is damaged", String(error), "Run packager preview again.");
      return;
    }
    state.data = data;
    var app = document.getElementById("app");
    app.textContent = "";
    app.appendChild(renderHeader(data));
    templateBanners(data).forEach(function (banner) { app.appendChild(banner); });
    app.appendChild(renderProblemsPanel(data));
    app.appendChild(renderHome(data));
    app.appendChild(el("div", { id: "layer", hidden: true }));
    document.addEventListener("keydown", onKey);
    focusRowFrom(0);
    document.body.setAttribute("data-ready", "");
  }

  window.addEventListener("error", function (event) {
    showMessage("The preview stopped with an error", event.message + " (" + (event.filename || "") + ":" + event.lineno + ")",
      "This is a bug in packager preview; please report it with the feed.");
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
