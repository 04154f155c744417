window.addEventListener("load", function () {
  // an image that failed to load is complete with no width; a lazy one not yet in view is
  // simply not complete, and is checked when it loads or fails
  var images = document.querySelectorAll("figure img");
  function count() {
    var broken = 0;
    images.forEach(function (img) {
      if (img.complete && img.naturalWidth === 0) { img.classList.add("broken"); broken += 1; }
    });
    document.body.setAttribute("data-broken-images", String(broken));
  }
  images.forEach(function (img) { img.addEventListener("error", count); });
  count();
  document.body.setAttribute("data-images", String(images.length));
  document.body.setAttribute("data-embeds", String(document.querySelectorAll("iframe[data-slug]").length));
});
// each embed says how tall it is once drawn (and again when it reflows): its iframe takes that height
window.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "migrationdata-embed" || typeof data.height !== "number") return;
  document.querySelectorAll("iframe[data-slug]").forEach(function (frame) {
    if (frame.contentWindow === event.source) {
      frame.style.height = Math.ceil(data.height) + "px";
      frame.setAttribute("data-sized", "1");
    }
  });
});
