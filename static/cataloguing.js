// Field-row editor of a cataloguing exercise: "Thêm dòng" adds rows in the page instead of saving
// and reloading. Without this script the button saves the draft and the page comes back longer.
(function () {
  "use strict";
  var button = document.getElementById("add-rows");
  var table = document.getElementById("field-rows");
  if (!button || !table) { return; }
  var body = table.tBodies[0];
  button.addEventListener("click", function (event) {
    var last = body.rows[body.rows.length - 1];
    if (!last) { return; }
    event.preventDefault();
    var next = body.rows.length;
    for (var i = 0; i < 3; i += 1) {
      var row = last.cloneNode(true);
      var inputs = row.getElementsByTagName("input");
      for (var j = 0; j < inputs.length; j += 1) {
        inputs[j].name = inputs[j].name.replace(/-\d+$/, "-" + (next + i));
        inputs[j].value = "";
        inputs[j].setAttribute("aria-label", inputs[j].getAttribute("aria-label").replace(/\d+$/, String(next + i + 1)));
      }
      body.appendChild(row);
    }
    body.rows[next].getElementsByTagName("input")[0].focus();
  });
}());
