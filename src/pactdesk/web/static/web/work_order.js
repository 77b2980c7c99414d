/* The work order's drag and drop (native HTML5, no library): drag an item of a
   [data-sortable] list; when it is dropped somewhere new, the list's form (data-form)
   is sent with every item in the new order (htmx swaps the answer in). The ↑ and ↓
   buttons beside each item do the same from the keyboard. */
(function () {
  "use strict";
  var dragged = null, before = "";

  function itemOf(target) {
    var li = target && target.closest ? target.closest("[data-sortable] > li[data-item]") : null;
    return li;
  }
  function orderOf(list) {
    return Array.prototype.map.call(list.querySelectorAll(":scope > li[data-item]"), function (li) {
      return li.getAttribute("data-item");
    });
  }
  document.addEventListener("dragstart", function (e) {
    var li = itemOf(e.target);
    if (!li) { return; }
    dragged = li;
    before = orderOf(li.parentNode).join(",");
    li.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", li.getAttribute("data-item"));
  });
  document.addEventListener("dragover", function (e) {
    if (!dragged) { return; }
    var li = itemOf(e.target);
    if (!li || li.parentNode !== dragged.parentNode) { return; }
    e.preventDefault();
    if (li === dragged) { return; }
    var box = li.getBoundingClientRect();
    var after = e.clientY - box.top > box.height / 2;
    li.parentNode.insertBefore(dragged, after ? li.nextSibling : li);
  });
  document.addEventListener("drop", function (e) {
    if (dragged) { e.preventDefault(); }
  });
  document.addEventListener("dragend", function () {
    if (!dragged) { return; }
    var list = dragged.parentNode;
    dragged.classList.remove("dragging");
    dragged = null;
    var order = orderOf(list);
    if (order.join(",") === before) { return; }
    var form = document.getElementById(list.getAttribute("data-form"));
    if (!form) { return; }
    form.querySelectorAll("input[name=item]").forEach(function (input) { input.remove(); });
    order.forEach(function (value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "item";
      input.value = value;
      form.appendChild(input);
    });
    form.requestSubmit();
  });
})();
