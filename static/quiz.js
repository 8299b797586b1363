// Progressive enhancement for the attempt page: autosave and a countdown. The page works without it.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var status = document.getElementById("autosave-status");
  var timer = document.getElementById("timer");
  if (form && window.fetch && window.FormData) {
    var pending = null;
    // Every save carries the next sequence number (the form's hidden "seq"): the server refuses a
    // save older than the last one it accepted, so a late or replayed autosave cannot overwrite
    // newer answers. The field then moves on, so the page's own submit is always the newest.
    var seqField = form.elements.seq;
    var save = function () {
      pending = null;
      var body = new FormData(form);
      if (seqField) { seqField.value = String(parseInt(seqField.value, 10) + 1); }
      fetch(form.getAttribute("data-autosave"), {method: "POST", body: body, credentials: "same-origin"})
        .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
        .then(function (res) {
          if (res.ok && seqField && res.body.seq >= parseInt(seqField.value, 10)) { seqField.value = String(res.body.seq + 1); }
          if (status) { status.textContent = res.ok ? form.getAttribute("data-saved") || "Đã lưu" : res.body.error.message; }
        })
        .catch(function () { if (status) { status.textContent = form.getAttribute("data-offline"); } });
    };
    form.addEventListener("change", function () {
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(save, 600);
    });
  }
  if (timer) {
    var left = parseInt(timer.getAttribute("data-remaining"), 10);
    var end = Date.now() + left * 1000;
    var tick = function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(s / 60), r = s % 60;
      timer.textContent = "Còn " + m + ":" + (r < 10 ? "0" : "") + r;
      if (s <= 60) { timer.className = "warn"; }
      if (s > 0) { setTimeout(tick, 1000); }
      else if (form) { var b = form.querySelector("button[value=finish]"); if (b) { b.click(); } }
    };
    tick();
  }
})();
