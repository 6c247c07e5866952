// A box of widgets laid out by the `tree` state (nbvis/widgets/panel.py): columns, rows,
// text, images, tabs and a show/hide button. Each child widget is drawn by its own view,
// through anywidget's widget references (`host.getWidget`, every host with anywidget
// 0.11, marimo included), or the widget manager's views for plain ipywidgets (Jupyter).
// Text is textContent; styles come from a fixed list of CSS properties.
import { hidePictures } from "./model.js";

const STYLE_KEYS = new Set([
  "width", "height", "min-width", "max-width", "flex", "flex-flow", "gap", "padding", "margin",
  "border", "overflow", "align-items", "align-self", "justify-content",
]);
const REF = "anywidget:";

function applyStyle(el, style) {
  for (const [key, value] of Object.entries(style ?? {})) {
    if (STYLE_KEYS.has(key) && typeof value === "string") el.style.setProperty(key, value);
  }
}

function div(className) {
  const el = document.createElement("div");
  el.className = className;
  return el;
}

/** Draw widget `ref` into `box` until `signal` aborts; failures are shown, not thrown. */
async function mount(model, host, ref, box, signal) {
  let reason;
  if (typeof host?.getWidget === "function") {
    try {
      const child = await host.getWidget(ref);
      if (!signal.aborted) await child.render({ el: box, signal });
      return;
    } catch (error) {
      reason = error; // not an anywidget (a plain ipywidget): try the manager's views
    }
  }
  try {
    const manager = model.widget_manager;
    if (typeof manager?.create_view !== "function") throw reason ?? new Error("no widget manager here");
    const childModel = await manager.get_model(ref.slice(REF.length));
    const view = await manager.create_view(childModel, {});
    if (signal.aborted) {
      view.remove();
      return;
    }
    box.append(view.el);
    view.trigger?.("displayed");
    signal.addEventListener("abort", () => view.remove());
  } catch (error) {
    if (signal.aborted) return;
    box.textContent = `nbvis: this front end cannot show this widget (${error?.message ?? error})`;
    box.classList.add("nbvis-error");
  }
}

export default {
  render({ model, el, host }) {
    el.classList.add("nbvis-panel");
    hidePictures(model.get("_uid"));
    // one box per (widget, occurrence): a child's view is kept across redraws of the tree
    const mounted = new Map();

    const setKey = (name, key, value) => {
      model.set(name, { ...(model.get(name) ?? {}), [key]: value });
      model.save_changes();
    };

    function node(n, used, seen) {
      if (!n || typeof n !== "object") return document.createTextNode("");
      switch (n.kind) {
        case "column":
        case "row": {
          const box = div(`nbvis-panel-${n.kind}`);
          box.style.display = "flex";
          box.style.flexFlow = n.kind === "row" ? "row wrap" : "column";
          applyStyle(box, n.style);
          for (const child of n.children ?? []) box.append(node(child, used, seen));
          return box;
        }
        case "text": {
          const label = div("nbvis-label");
          label.textContent = String(n.text ?? "");
          if (n.bold) label.style.fontWeight = "bold";
          return label;
        }
        case "image": {
          const img = document.createElement("img");
          if (/^data:image\/(png|svg\+xml);base64,/.test(String(n.src))) img.src = n.src;
          img.alt = String(n.alt ?? "");
          return img;
        }
        case "widget": {
          const ref = String(n.widget ?? "");
          if (!ref.startsWith(REF)) return document.createTextNode("");
          const count = (seen.get(ref) ?? 0) + 1;
          seen.set(ref, count);
          const id = `${ref}#${count}`;
          let entry = mounted.get(id);
          if (!entry) {
            // the child draws into `inner`; `box` carries the layout's style
            const box = div("nbvis-panel-item");
            const inner = document.createElement("div");
            box.append(inner);
            const controller = new AbortController();
            mount(model, host, ref, inner, controller.signal);
            entry = { box, controller };
            mounted.set(id, entry);
          }
          used.add(id);
          entry.box.removeAttribute("style");
          applyStyle(entry.box, n.style);
          return entry.box;
        }
        case "tabs": {
          const box = div("nbvis-tabs");
          const bar = div("nbvis-tab-bar");
          bar.style.cssText = "display:flex;flex-wrap:wrap;border-bottom:1px solid #ddd;margin-bottom:4px;";
          bar.setAttribute("role", "tablist");
          const titles = n.titles ?? [];
          const children = n.children ?? [];
          let current = (model.get("selected") ?? {})[n.key] ?? 0;
          current = Math.min(Math.max(0, current), Math.max(0, titles.length - 1));
          titles.forEach((title, i) => {
            const tab = document.createElement("button");
            tab.className = `nbvis-tab${i === current ? " nbvis-tab-current" : ""}`;
            tab.setAttribute("role", "tab");
            tab.setAttribute("aria-selected", String(i === current));
            tab.textContent = String(title);
            tab.style.cssText =
              "border:none;border-bottom:2px solid transparent;background:none;padding:4px 12px;cursor:pointer;" +
              "font:inherit;font-size:13px;color:inherit;";
            if (i === current) Object.assign(tab.style, { borderBottomColor: "steelblue", fontWeight: "bold" });
            tab.addEventListener("click", () => setKey("selected", n.key, i));
            bar.append(tab);
          });
          const content = div("nbvis-tab-content");
          if (children.length) content.append(node(children[current], used, seen));
          box.append(bar, content);
          if ((model.get("shown") ?? {})[n.key] === false) box.style.display = "none";
          return box;
        }
        case "toggle": {
          const open = (model.get("shown") ?? {})[n.key] !== false;
          const button = document.createElement("button");
          button.className = "nbvis-toggle";
          button.textContent = open ? "Hide" : "Show";
          button.title = "hide or show the tabs";
          button.style.cssText =
            "border:1px solid #bbb;border-radius:3px;background:none;padding:1px 10px;cursor:pointer;font:inherit;";
          button.addEventListener("click", () => setKey("shown", n.key, !open));
          return button;
        }
        default:
          return document.createTextNode("");
      }
    }

    function draw() {
      const used = new Set();
      const root = node(model.get("tree"), used, new Map());
      el.replaceChildren(root);
      for (const [id, entry] of mounted) {
        if (!used.has(id)) {
          entry.controller.abort();
          mounted.delete(id);
        }
      }
    }

    draw();
    model.on("change:tree", draw);
    model.on("change:selected", draw);
    model.on("change:shown", draw);
    return () => {
      model.off("change:tree", draw);
      model.off("change:selected", draw);
      model.off("change:shown", draw);
      for (const entry of mounted.values()) entry.controller.abort();
      mounted.clear();
    };
  },
};
