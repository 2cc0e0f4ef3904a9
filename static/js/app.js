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

  // Searchable pickers (web/src/ui/picker.rs): typing filters the choices (on the page,
  // or fetched from data-source), arrows move, Enter or a tap chooses, Escape closes.
  function pickers() {
    document.querySelectorAll('[data-picker]').forEach(function (p) {
      var box = p.querySelector('[role=combobox]'), picked = p.querySelector('[data-picked]');
      var list = p.querySelector('[role=listbox]'), source = p.dataset.source, timer = null;
      var free = p.hasAttribute('data-free'), show = p.querySelector('[data-picked-show]');
      function options() {
        return Array.prototype.filter.call(list.querySelectorAll('[role=option]'), function (o) { return !o.hidden; });
      }
      function open(on) { list.hidden = !on; box.setAttribute('aria-expanded', on ? 'true' : 'false'); }
      function mark(o) {
        list.querySelectorAll('[role=option]').forEach(function (x) { x.classList.remove('active'); x.setAttribute('aria-selected', 'false'); });
        if (!o) return;
        o.classList.add('active');
        o.setAttribute('aria-selected', 'true');
        o.scrollIntoView({ block: 'nearest' });
      }
      function filter() {
        var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
        list.querySelectorAll('[role=option]').forEach(function (o) {
          var keys = (o.dataset.keys || o.textContent).toLowerCase();
          // A source has searched already (by ID fragment, too): all it sends is shown.
          var hit = shown < 30 && (source || words.every(function (w) { return keys.indexOf(w) >= 0; }));
          o.hidden = !hit;
          if (hit) shown++;
        });
        mark(options()[0]);
        open(shown > 0);
      }
      function fetchChoices() {
        clearTimeout(timer);
        timer = setTimeout(function () {
          fetch(source + (source.indexOf('?') < 0 ? '?' : '&') + 'q=' + encodeURIComponent(box.value.trim()), { credentials: 'same-origin' })
            .then(function (r) { return r.ok ? r.text() : ''; })
            .then(function (html) { list.innerHTML = html; filter(); });
        }, 200);
      }
      function choose(o) {
        picked.value = o.dataset.value;
        box.value = o.dataset.label;
        if (show) show.textContent = o.dataset.value;
        box.setCustomValidity('');
        open(false);
        picked.dispatchEvent(new Event('change', { bubbles: true }));
      }
      box.addEventListener('input', function () {
        // Free text keeps its suggested value while the words are refined.
        if (!free) picked.value = '';
        if (source) fetchChoices(); else filter();
      });
      box.addEventListener('focus', function () { if (!source) filter(); });
      box.addEventListener('keydown', function (e) {
        var all = options(), at = all.indexOf(list.querySelector('.active'));
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          if (list.hidden) { filter(); return; }
          mark(all[Math.max(0, Math.min(all.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))]);
        } else if (e.key === 'Enter' && !list.hidden && at >= 0) {
          e.preventDefault();
          choose(all[at]);
        } else if (e.key === 'Escape') {
          open(false);
        }
      });
      list.addEventListener('mousedown', function (e) {
        var o = e.target.closest('[role=option]');
        if (o) { e.preventDefault(); choose(o); }
      });
      box.addEventListener('blur', function () { setTimeout(function () { open(false); }, 150); });
      // A name typed but not chosen is not a choice: the form says so before it posts.
      box.form && box.form.addEventListener('submit', function (e) {
        if (!free && box.value.trim() && !picked.value) {
          box.setCustomValidity(box.dataset.unchosen || '');
          box.reportValidity();
          e.preventDefault();
        }
      });
    });
  }

  // Specialty first, then hospital: <select data-destination="to"> narrows the
  // destination select to the hospitals offering the specialty chosen.
  function destinations() {
    document.querySelectorAll('select[data-destination]').forEach(function (sp) {
      var to = document.getElementById(sp.dataset.destination);
      function narrow() {
        var first = null;
        Array.prototype.forEach.call(to.options, function (o) {
          var fits = !o.value || !sp.value || o.dataset.specialty === sp.value;
          o.hidden = !fits;
          if (fits && o.value && !first) first = o;
        });
        var current = to.options[to.selectedIndex];
        if (!current || current.hidden || !current.value) to.value = first ? first.value : '';
      }
      sp.addEventListener('change', narrow);
      if (sp.value) narrow();
    });
  }

  // Confirmation before anything that ends or deactivates: <form data-confirm="…">.
  function confirmations() {
    document.querySelectorAll('form[data-confirm]').forEach(function (f) {
      f.addEventListener('submit', function (e) {
        // data-confirm-ends: ask only when the option chosen ends something.
        if (f.hasAttribute('data-confirm-ends')) {
          var sel = f.querySelector('select');
          var chosen = sel && sel.options[sel.selectedIndex];
          if (!chosen || !chosen.hasAttribute('data-ends')) return;
        }
        if (!window.confirm(f.dataset.confirm)) e.preventDefault();
      });
    });
  }

  // Figures tables sort in the browser: <table class="sortable">; a head click sorts its
  // column (numbers as numbers, ignoring separators and %), a second click reverses.
  function sortableTables() {
    function key(cell) {
      var t = (cell ? cell.textContent : '').trim();
      var share = t.match(/\(([\d.]+)%\)/);
      if (share) return parseFloat(share[1]);
      var n = parseFloat(t.replace(/,/g, ''));
      return isNaN(n) ? t : n;
    }
    document.querySelectorAll('table.sortable').forEach(function (table) {
      var body = table.tBodies[0];
      if (!body) return;
      table.querySelectorAll('thead th').forEach(function (th, col) {
        th.classList.add('sort-head');
        th.tabIndex = 0;
        function sort() {
          var asc = th.getAttribute('aria-sort') !== 'ascending';
          table.querySelectorAll('thead th').forEach(function (o) { o.removeAttribute('aria-sort'); });
          th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
          var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return !r.classList.contains('total'); });
          rows.sort(function (a, b) {
            var x = key(a.cells[col]), y = key(b.cells[col]);
            var d = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y), 'zh');
            return asc ? d : -d;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        }
        th.addEventListener('click', sort);
        th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
      });
    });
  }

  function start() {
    sortableTables();
    live();
    ecgBadge();
    greenChannel();
    printButtons();
    ecgTrace();
    ecgUpload();
    pickers();
    destinations();
    confirmations();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
