// kyodo recorder: injected into every page of the recording browser context.
// It reports what the person does (clicks, typing, choices, checkboxes, files, table reads) to
// Python through the exposed binding __kyodoRecord, with a selector chosen the way a careful
// person would: id, name, label, role + accessible name, visible text; positional CSS last.
// Password values never leave the page: only the fact that a password field was filled.
(() => {
  if (window.__kyodoRecorderInstalled) return;
  window.__kyodoRecorderInstalled = true;

  const send = (event) => {
    try { window.__kyodoRecord(JSON.stringify(event)); } catch (e) { /* binding gone while unloading */ }
  };
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const quote = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
  const unique = (css) => { try { return document.querySelectorAll(css).length === 1; } catch (e) { return false; } };
  // Ids that frameworks generate change between sessions: never rely on them.
  const generatedId = (id) => /\d{3,}|^[:_-]|[:]|^(ember|react|mui|ext-gen|j_id|ui-id|gwt)/i.test(id) || id.length > 40;

  const labelOf = (el) => {
    if (el.getAttribute("aria-label")) return norm(el.getAttribute("aria-label"));
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const t = by.split(/\s+/).map((i) => document.getElementById(i)).filter(Boolean).map((n) => n.innerText).join(" ");
      if (norm(t)) return norm(t);
    }
    if (el.labels && el.labels.length) return norm(el.labels[0].innerText);
    if (el.placeholder) return norm(el.placeholder);
    if (el.title) return norm(el.title);
    return "";
  };
  const roleOf = (el) => {
    const explicit = el.getAttribute("role");
    if (explicit) return explicit;
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (tag === "a" && el.hasAttribute("href")) return "link";
    if (tag === "button" || (tag === "input" && ["submit", "button", "reset", "image"].includes(type))) return "button";
    if (tag === "select") return el.multiple ? "listbox" : "combobox";
    if (tag === "textarea") return "textbox";
    if (tag === "input") {
      if (type === "checkbox") return "checkbox";
      if (type === "radio") return "radio";
      if (["", "text", "email", "tel", "url", "search", "password"].includes(type)) return type === "search" ? "searchbox" : "textbox";
    }
    return "";
  };
  const nameOf = (el) => {
    const label = labelOf(el);
    if (label) return label;
    const role = roleOf(el);
    if (role === "button" && el.tagName === "INPUT") return norm(el.value);
    if (["button", "link"].includes(role)) return norm(el.innerText);
    return "";
  };
  const sameRoleAndName = (role, name) => {
    let n = 0;
    for (const el of document.querySelectorAll("a,button,input,select,textarea,[role]")) {
      if (roleOf(el) === role && nameOf(el) === name) n += 1;
    }
    return n;
  };
  const sameText = (text) => {
    let n = 0;
    for (const el of document.body.querySelectorAll("*")) {
      if (norm(el.innerText) !== text) continue;
      if ([...el.children].some((c) => norm(c.innerText) === text)) continue;
      n += 1;
    }
    return n;
  };
  const cssPath = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && n !== document.documentElement; n = n.parentElement) {
      if (n.id && !generatedId(n.id) && unique("#" + CSS.escape(n.id))) { parts.unshift("#" + CSS.escape(n.id)); break; }
      const tag = n.tagName.toLowerCase();
      const same = n.parentElement ? [...n.parentElement.children].filter((c) => c.tagName === n.tagName) : [n];
      parts.unshift(same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(n) + 1})` : tag);
    }
    return parts.join(" > ");
  };

  // Candidates in the order a careful person would choose them; the first that matches exactly one element wins.
  const selectorFor = (el) => {
    const candidates = [];
    const tag = el.tagName.toLowerCase();
    if (el.id && !generatedId(el.id)) candidates.push({ kind: "id", selector: "#" + CSS.escape(el.id), ok: unique("#" + CSS.escape(el.id)) });
    const name = el.getAttribute("name");
    if (name) {
      const css = `${tag}[name=${quote(name)}]`;
      candidates.push({ kind: "name", selector: css, ok: unique(css) });
    }
    const role = roleOf(el);
    const accName = nameOf(el);
    if (role && accName) {
      const kind = labelOf(el) && ["textbox", "searchbox", "combobox", "listbox", "checkbox", "radio"].includes(role) ? "label" : "role";
      candidates.push({ kind, selector: `role=${role}[name=${quote(accName)}s]`, ok: sameRoleAndName(role, accName) === 1 });
    }
    const text = norm(el.innerText);
    if (text && text.length <= 40 && !["input", "select", "textarea"].includes(tag)) {
      candidates.push({ kind: "text", selector: `text=${quote(text)}`, ok: sameText(text) === 1 });
    }
    const best = candidates.find((c) => c.ok);
    const path = cssPath(el);
    return {
      selector: best ? best.selector : path,
      kind_of_selector: best ? best.kind : "position",
      unique: best ? true : unique(path),
      alternatives: candidates.filter((c) => c.ok && (!best || c.selector !== best.selector)).map((c) => c.selector),
    };
  };

  const describe = (el) => ({
    ...selectorFor(el),
    tag: el.tagName.toLowerCase(),
    type: (el.getAttribute("type") || "").toLowerCase(),
    name: el.getAttribute("name") || "",
    id: el.id || "",
    label: labelOf(el) || (isTextInput(el) || ["SELECT", "TEXTAREA"].includes(el.tagName) || ["checkbox", "radio", "file"].includes(el.type) ? "" : norm(el.innerText).slice(0, 40) || norm(el.value).slice(0, 40)),
    autocomplete: (el.getAttribute("autocomplete") || "").toLowerCase(),
    url: location.href,
    in_frame: window.top !== window,
    t: Date.now(),
  });

  const isTextInput = (el) => el.tagName === "TEXTAREA" ||
    (el.tagName === "INPUT" && !["checkbox", "radio", "file", "submit", "button", "reset", "image", "hidden"].includes((el.type || "").toLowerCase()));
  const clickable = (el) => el.closest("a[href],button,input[type=submit],input[type=button],input[type=image],[role=button],[role=link],[onclick]") || el;

  // A small badge tells the person that recording is on; its button arms "read the next table clicked".
  let tableMode = false;
  let badgeHost = null;
  const badge = () => {
    if (badgeHost || !document.body || window.top !== window) return;
    badgeHost = document.createElement("kyodo-recorder");
    badgeHost.style.cssText = "position:fixed;right:8px;bottom:8px;z-index:2147483647";
    const root = badgeHost.attachShadow({ mode: "open" });
    root.innerHTML = `<style>div{font:13px/1.4 sans-serif;background:#7f1d1d;color:#fff;padding:6px 10px;border-radius:6px;
      box-shadow:0 2px 6px #0006}button{margin-left:8px;font:inherit;border:1px solid #fff;background:#fff;color:#7f1d1d;
      border-radius:4px;padding:2px 8px;cursor:pointer}button[aria-pressed=true]{background:#fde047}</style>
      <div role="status">● kyodo 記録中<button type="button" aria-pressed="false">表を読み取る</button></div>`;
    const button = root.querySelector("button");
    button.addEventListener("click", (ev) => {
      ev.stopPropagation();
      tableMode = !tableMode;
      button.setAttribute("aria-pressed", String(tableMode));
      button.textContent = tableMode ? "読み取る表をクリック…" : "表を読み取る";
    });
    document.body.appendChild(badgeHost);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", badge); else badge();

  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target || (badgeHost && e.composedPath().includes(badgeHost))) return;
    if (e.altKey || tableMode) {  // Alt + click (or the badge's button, then a click) on a table: read it from the screen
      const table = target.closest("table");
      if (!table) return;
      e.preventDefault(); e.stopPropagation();
      if (tableMode) { tableMode = false; badgeHost && badgeHost.remove(); badgeHost = null; badge(); }
      const next = [...document.querySelectorAll("a,button")].find((a) => a.getAttribute("rel") === "next" || /^(次へ|次のページ|次ページ|>|＞|»)$/.test(norm(a.innerText)));
      send({ kind: "read_table", ...describe(table), next_page: next ? selectorFor(next).selector : null,
             headers: [...table.querySelectorAll("th")].map((th) => norm(th.innerText)) });
      return;
    }
    const el = clickable(target);
    const control = el.closest("label") ? (el.closest("label").control || null) : null;
    if (["SELECT", "OPTION"].includes(el.tagName) || isTextInput(el)) return;
    if (el.tagName === "INPUT" && ["checkbox", "radio", "file"].includes(el.type)) return;
    if (control && (["checkbox", "radio", "file"].includes(control.type) || isTextInput(control))) return;
    send({ kind: "click", ...describe(el) });
  }, true);

  document.addEventListener("input", (e) => {
    const el = e.target;
    if (!(el instanceof Element) || !isTextInput(el)) return;
    const secret = el.type === "password";
    send({ kind: "fill", ...describe(el), secret, value: secret ? null : el.value });
  }, true);

  document.addEventListener("change", (e) => {
    const el = e.target;
    if (!(el instanceof Element)) return;
    if (el.tagName === "SELECT") {
      const opt = el.selectedOptions[0];
      send({ kind: "select", ...describe(el), option_label: opt ? norm(opt.text) : "", value: el.value });
    } else if (el.tagName === "INPUT" && ["checkbox", "radio"].includes(el.type)) {
      send({ kind: "check", ...describe(el), checked: el.checked, value: el.value });
    } else if (el.tagName === "INPUT" && el.type === "file") {
      send({ kind: "upload", ...describe(el), files: [...el.files].map((f) => f.name) });
    } else if (isTextInput(el)) {
      const secret = el.type === "password";
      send({ kind: "fill", ...describe(el), secret, value: secret ? null : el.value });
    }
  }, true);

  document.addEventListener("submit", (e) => {
    const form = e.target;
    const button = e.submitter || form.querySelector("button[type=submit],input[type=submit],button:not([type])");
    send({ kind: "submit", ...describe(button || form) });
  }, true);

  const pageLoaded = () => {
    const logout = [...document.querySelectorAll("a,button")].find((a) => /ログアウト|サインアウト|logout|sign out/i.test(norm(a.innerText)));
    const h1 = document.querySelector("h1");
    send({ kind: "page", url: location.href, title: document.title, h1: h1 ? norm(h1.innerText) : "",
           logout: logout ? norm(logout.innerText) : "", t: Date.now() });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", pageLoaded);
  else pageLoaded();
})();
