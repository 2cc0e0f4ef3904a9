// Behaviour for the server-rendered pages, kept out of the HTML so that the
// Content-Security-Policy can forbid inline script. Each part wakes up only on a page
// that carries its marker.
(function () {
  'use strict';

  // Refreshes the parts of this page named in `ids` from a fresh copy of it.
  function refresh(url, ids) {
    fetch(url, { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        ids.forEach(function (part) {
          var fresh = doc.getElementById(part), old = document.getElementById(part);
          if (fresh && old) old.replaceWith(fresh);
        });
      });
  }

  // Live parts: <body data-live-stream="/api/v1/…" data-live-event="…"
  // data-live-parts="results" data-live-id="…"> refreshes those parts when an event in
  // the user's reach arrives (for data-live-id: only events about that record).
  function live() {
    var b = document.body;
    var stream = b.dataset.liveStream;
    if (!stream || !window.EventSource) return;
    var id = b.dataset.liveId, parts = (b.dataset.liveParts || '').split(' ');
    new EventSource(stream).addEventListener(b.dataset.liveEvent, function (ev) {
      var d = {};
      try { d = JSON.parse(ev.data); } catch (e) { d = {}; }
      document.dispatchEvent(new CustomEvent('live-' + b.dataset.liveEvent, { detail: d }));
      if (id && d.id && d.id !== id) return;
      refresh(location.href, parts);
    });
  }

  // The navigation's badge of critical ECG reports to acknowledge: counted on load and
  // again whenever a study in reach changes (from the page's own stream when it has
  // one, else from a stream of its own).
  function ecgBadge() {
    var badge = document.getElementById('ecg-badge');
    if (!badge || !window.fetch) return;
    function update() {
      fetch('/api/v1/ecg/alerts', { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          badge.textContent = String(d.unacknowledged);
          badge.hidden = d.unacknowledged === 0;
        });
    }
    update();
    if (document.body.dataset.liveStream === '/api/v1/ecg-live') {
      document.addEventListener('live-study', update);
    } else if (window.EventSource) {
      new EventSource('/api/v1/ecg-live').addEventListener('study', update);
    }
  }

  // The green-channel clock ticks until admission.
  function greenChannel() {
    var g = document.getElementById('green-channel');
    if (!g) return;
    setInterval(function () {
      var g = document.getElementById('green-channel');
      if (!g || g.dataset.done === 'true') return;
      var minutes = (Date.now() - Number(g.dataset.start)) / 60000, target = Number(g.dataset.target);
      document.getElementById('elapsed').textContent = minutes.toFixed(1);
      var bar = document.getElementById('elapsed-bar');
      bar.style.width = Math.min(100, minutes / target * 100) + '%';
      if (minutes > target) bar.style.background = '#b42318';
    }, 1000);
  }

  // Print buttons.
  function printButtons() {
    document.querySelectorAll('[data-print]').forEach(function (b) {
      b.addEventListener('click', function () { window.print(); });
    });
  }

  // The ECG trace: lead choice, zoom and calipers (25 mm/s paper).
  function ecgTrace() {
    var img = document.getElementById('trace');
    if (!img) return;
    var base = img.getAttribute('src');
    document.querySelectorAll('.lead-pick').forEach(function (b) {
      b.addEventListener('click', function () {
        var lead = b.getAttribute('data-lead');
        img.src = lead === '12' ? base : base + '?lead=' + encodeURIComponent(lead);
      });
    });
    document.querySelectorAll('.zoom').forEach(function (b) {
      b.addEventListener('click', function () { img.style.width = b.getAttribute('data-zoom') + '%'; });
    });
    function paperWidth() {
      fetch(img.src, { credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (t) {
        var m = /width="([0-9.]+)mm"/.exec(t);
        img.dataset.widthMm = m ? m[1] : '';
      });
    }
    img.addEventListener('load', paperWidth);
    if (img.complete) paperWidth();
    var first = null;
    img.addEventListener('click', function (e) {
      var widthMm = parseFloat(img.dataset.widthMm || '0');
      if (!widthMm) return;
      var box = img.getBoundingClientRect();
      var mm = (e.clientX - box.left) * widthMm / box.width;
      var out = document.getElementById('caliper');
      if (first === null) { first = mm; out.textContent = '…'; return; }
      var ms = Math.abs(mm - first) / 25 * 1000;
      first = null;
      out.textContent = ms > 0 ? Math.round(ms) + ' ms · ' + Math.round(60000 / ms) + ' /min' : '';
    });
  }

  // Upload progress for large ECG files; the server answers with the study page.
  function ecgUpload() {
    var form = document.getElementById('ecg-form');
    if (!form) return;
    form.addEventListener('submit', function (ev) {
      if (!window.XMLHttpRequest || !window.FormData) return;
      ev.preventDefault();
      var bar = document.getElementById('upload-progress');
      bar.hidden = false;
      document.getElementById('upload-ecg').disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
      xhr.onload = function () {
        if (xhr.responseURL && xhr.responseURL.indexOf('/ecg/new') < 0) { location.href = xhr.responseURL; return; }
        document.open(); document.write(xhr.responseText); document.close();
      };
      xhr.send(new FormData(form));
    });
  }

  function start() {
    live();
    ecgBadge();
    greenChannel();
    printButtons();
    ecgTrace();
    ecgUpload();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
