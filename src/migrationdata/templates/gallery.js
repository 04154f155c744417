window.addEventListener("load", function () {
  var broken = 0;
  document.querySelectorAll("figure img").forEach(function (img) {
    if (!img.complete || img.naturalWidth === 0) { img.classList.add("broken"); broken += 1; }
  });
  document.body.setAttribute("data-broken-images", String(broken));
  document.body.setAttribute("data-images", String(document.querySelectorAll("figure img").length));
});
