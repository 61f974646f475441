/* credtrace investigator's workbench: search, open, expand (paged), as-of redraw and diff,
   panel, actions (accountability, ownership, paths, related, score), legend, exports and
   permalinks. Every answer comes from the /v1 routes with the signed-in key (session
   storage only), so ID numbers appear as the key's role may see them. */
"use strict";
(function () {
  const PAGE = 25;
  const CATEGORIES = [["all", "全部"], ["role", "任职"], ["shareholding", "股权"],
    ["measure", "惩戒"], ["suspected", "联系方式"], ["authority", "认定部门"],
    ["event", "程序事件"]];
  const FADED = "#d0d0d0";
  const $ = (id) => document.getElementById(id);
  const S = {
    key: sessionStorage.getItem("ct.key"), purpose: sessionStorage.getItem("ct.purpose"),
    palette: null, date: new Date().toISOString().slice(0, 10), center: null,
    expanded: [], owner: new Map(), pinned: new Set(), info: new Map(), edgeInfo: new Map(),
    highlighted: new Set(), selection: [], pathKinds: new Set(["role", "shareholding"]),
  };
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  let network = null;
  const W = window.workbench = { nodes, edges, state: S, pending: 0, timings: [],
                                 lastError: null, network: null };

  // --- HTTP --------------------------------------------------------------------------
  async function api(path, params) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      for (const item of [].concat(v)) if (item !== undefined && item !== null) query.append(k, item);
    }
    W.pending += 1;
    try {
      const res = await fetch(path + (query.toString() ? "?" + query : ""), {
        headers: { "X-API-Key": S.key, "X-Purpose": encodeURIComponent(S.purpose || "") },
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        const error = new Error(body.detail || body.title || ("HTTP " + res.status));
        error.status = res.status;
        throw error;
      }
      return body;
    } finally {
      W.pending -= 1;
    }
  }
  function fail(error) {
    W.lastError = String(error.message || error);
    status("⚠ " + W.lastError, true);
  }
  function status(text, isError) {
    const el = $("status");
    el.textContent = text;
    el.className = isError ? "error" : "";
  }
  const masked = (id) => String(id).includes("*");
  const esc = (t) => String(t ?? "").replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "onclick") node.addEventListener("click", v); else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
    return node;
  }

  // --- drawing -----------------------------------------------------------------------
  function statusLabel(state) {
    const m = S.palette.measures[state ? state.status : "uncertain"] || S.palette.measures.uncertain;
    return m;
  }
  function visNode(n) {
    const info = { ...(S.info.get(n.id) || {}), ...n };
    S.info.set(n.id, info);
    const style = S.palette.nodes[info.kind] || { shape: "dot", colour: "#999", label_zh: info.kind };
    let colour = style.colour;
    let label = info.name.length > 16 ? info.name.slice(0, 15) + "…" : info.name;
    const lines = [info.name, style.label_zh + " · " + info.id];
    let dashes = false;
    if (info.kind === "Measure") {
      const m = statusLabel(info.state);
      colour = m.colour; dashes = m.dashes;
      label += "\n" + m.label_zh;
      lines.push("状态：" + m.label_zh);
    } else if ((info.measures_in_force || []).length) {
      lines.push("在执行措施：" + info.measures_in_force.join("、"));
    }
    const sanctioned = (info.measures_in_force || []).length > 0;
    const center = info.id === S.center;
    return {
      id: info.id, label, title: lines.join("\n"), shape: style.shape,
      color: { background: colour, border: center ? "#000" : sanctioned ? "#b00020" : "#444" },
      borderWidth: center ? 4 : sanctioned ? 3 : S.pinned.has(info.id) ? 3 : 1,
      shapeProperties: { borderDashes: dashes ? [4, 3] : S.pinned.has(info.id) ? [2, 2] : false },
      font: { color: info.kind === "Enterprise" ? "#fff" : "#222",
              face: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
      opacity: info.faded ? 0.35 : 1,
    };
  }
  function visEdge(e) {
    S.edgeInfo.set(e.id, e);
    const rel = S.palette.rels[e.type] || { colour: "#999", label_zh: e.type };
    let label = e.label_zh || rel.label_zh;
    if (e.percentage !== null && e.percentage !== undefined) label += " " + e.percentage + "%";
    const when = (e.start || "?") + " – " + (e.end || "");
    const lines = [label, when, e.validity === "uncertain" ? "不确定：" + (e.reason || "") : ""];
    const hl = e.highlight ? S.palette.highlights[e.highlight] : null;
    if (e.ended) lines.push("在 " + S.date + " 无效");
    return {
      id: e.id, from: e.source, to: e.target, arrows: "to", label: e.ended ? label + "（已失效）" : label,
      title: lines.filter(Boolean).join("\n"),
      color: (() => { const c = e.ended ? FADED : hl ? hl.colour : rel.colour;
                      return { color: c, highlight: c, hover: c, inherit: false }; })(),
      width: hl ? 5 : 1.5, dashes: e.validity === "uncertain" || e.ended || e.type === "MORE",
      font: { size: 10, color: e.ended ? "#aaa" : "#333", strokeWidth: 3, align: "middle",
              face: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
    };
  }
  function place(parent, count) {
    const at = network.getPositions([parent])[parent] || { x: 0, y: 0 };
    const placed = [...S.owner.values()].filter((p) => p === parent).length;
    const spots = [];
    for (let i = 0; i < count; i += 1) {
      const k = placed + i;
      const angle = k * 2.39996 + 0.5;
      const radius = 170 + 60 * Math.sqrt(k);
      spots.push({ x: at.x + radius * Math.cos(angle), y: at.y + radius * Math.sin(angle) });
    }
    return spots;
  }
  function addNodes(parent, list) {
    const fresh = list.filter((n) => !nodes.get(n.id));
    const spots = parent && nodes.get(parent) ? place(parent, fresh.length) : [];
    fresh.forEach((n, i) => {
      S.owner.set(n.id, parent);
      nodes.add({ ...visNode(n), ...(spots[i] || { x: 0, y: 0 }) });
    });
    nodes.update(list.filter((n) => !fresh.includes(n)).map((n) => visNode({ ...n, faded: false })));
  }
  function addEdges(list) {
    const drawn = list.filter((e) => nodes.get(e.source) && nodes.get(e.target));
    edges.update(drawn.map((e) => visEdge({ ...(S.edgeInfo.get(e.id) || {}), ...e, ended: false })));
  }
  function summaryId(parent, cat) { return "more|" + parent + "|" + cat; }
  function drawPage(parent, cat, answer) {
    addNodes(parent, answer.nodes);
    addEdges(answer.edges);
    const id = summaryId(parent, cat);
    if (answer.next_offset === null) {
      if (nodes.get(id)) nodes.remove(id);
      return;
    }
    const left = answer.total - answer.next_offset;
    const label = answer.more.length === 1 ? answer.more[0].label_zh : "更多";
    const spot = nodes.get(id) ? {} : place(parent, 1)[0];
    S.info.set(id, { id, kind: "Summary", name: "+" + left + " more " + label, parent, cat,
                     offset: answer.next_offset });
    nodes.update({ id, label: "+" + left + " more " + label, shape: "box", ...spot,
                   title: answer.more.map((m) => m.label_zh + " " + m.count).join("\n"),
                   color: { background: "#eeeeee", border: "#aaaaaa" }, font: { color: "#333" } });
    edges.update({ id: "e" + id, from: parent, to: id, dashes: true, color: { color: "#aaaaaa" },
                   arrows: "" });
  }
  function kindsOf(cat) { return cat === "all" ? undefined : [cat]; }

  async function expand(id, cat, pages) {
    if (masked(id)) { status("此角色仅见掩码标识：该自然人不能展开", true); return; }
    const t0 = performance.now();
    const answer = await api("/v1/expand/" + encodeURIComponent(id),
      { kinds: kindsOf(cat), as_of: S.date, offset: 0, limit: PAGE * (pages || 1) });
    drawPage(id, cat, answer);
    const known = S.expanded.find((x) => x.id === id && x.cat === cat);
    if (known) known.pages = Math.max(known.pages, pages || 1);
    else S.expanded.push({ id, cat, pages: pages || 1 });
    done("展开 " + answer.center.name + "：" + answer.nodes.length + "/" + answer.total, t0, "expand");
  }
  async function nextPage(summary) {
    const info = S.info.get(summary);
    const t0 = performance.now();
    const answer = await api("/v1/expand/" + encodeURIComponent(info.parent),
      { kinds: kindsOf(info.cat), as_of: S.date, offset: info.offset, limit: PAGE });
    drawPage(info.parent, info.cat, answer);
    const known = S.expanded.find((x) => x.id === info.parent && x.cat === info.cat);
    if (known) known.pages += 1;
    done("下一页：" + answer.nodes.length + " 个（共 " + answer.total + "）", t0, "expand");
  }
  function done(text, t0, what) {
    const ms = Math.round(performance.now() - t0);
    W.timings.push({ what, ms });
    status(text + " · 节点 " + nodes.length + " · 关系 " + edges.length + " · 时点 " + S.date +
           " · " + ms + " ms");
    legend();
    permalink();
  }

  async function open(id, restore) {
    nodes.clear(); edges.clear();
    S.info.clear(); S.edgeInfo.clear(); S.owner.clear(); S.expanded = []; S.highlighted.clear();
    S.center = id;
    const t0 = performance.now();
    const answer = await api("/v1/expand/" + encodeURIComponent(id),
      { as_of: S.date, offset: 0, limit: PAGE });
    nodes.add({ ...visNode(answer.center), x: 0, y: 0 });
    drawPage(id, "all", answer);
    S.expanded.push({ id, cat: "all", pages: 1 });
    for (const item of restore || []) {
      if (nodes.get(item.id)) await expand(item.id, item.cat, item.pages);
    }
    network.fit({ animation: false });
    done("打开 " + answer.center.name, t0, "open");
    select(id);
  }

  function collapse(id) {
    const gone = new Set();
    const visit = (parent) => {
      for (const [child, owner] of S.owner) {
        if (owner === parent && !gone.has(child) && !S.pinned.has(child) && child !== S.center) {
          gone.add(child); visit(child);
        }
      }
    };
    visit(id);
    for (const n of nodes.getIds()) {
      const info = S.info.get(n);
      if (info && info.kind === "Summary" && (info.parent === id || gone.has(info.parent))) gone.add(n);
    }
    S.expanded = S.expanded.filter((x) => x.id !== id && !gone.has(x.id));
    for (const n of gone) S.owner.delete(n);
    edges.remove(edges.get({ filter: (e) => gone.has(e.from) || gone.has(e.to) }).map((e) => e.id));
    nodes.remove([...gone]);
    done("收起 " + (S.info.get(id) || {}).name, performance.now(), "collapse");
  }
  function pin(id) {
    if (S.pinned.has(id)) S.pinned.delete(id); else S.pinned.add(id);
    nodes.update({ ...visNode(S.info.get(id)), fixed: S.pinned.has(id) });
    select(id);
  }

  // --- as of: redraw and diff ----------------------------------------------------------
  async function setDate(day) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day === S.date) return;
    const previous = S.date;
    S.date = day;
    $("date").value = day;
    $("slider").value = dayNumber(day);
    if (!S.center) return;
    const t0 = performance.now();
    const before = new Map(edges.get().filter((e) => S.edgeInfo.has(e.id) && !S.edgeInfo.get(e.id).ended)
      .map((e) => [e.id, S.edgeInfo.get(e.id)]));
    const live = new Map();
    const liveNodes = new Map();
    for (const x of S.expanded) {
      if (!nodes.get(x.id) || masked(x.id)) continue;
      const answer = await api("/v1/expand/" + encodeURIComponent(x.id),
        { kinds: kindsOf(x.cat), as_of: day, offset: 0, limit: PAGE * x.pages });
      liveNodes.set(answer.center.id, answer.center);
      answer.nodes.forEach((n) => liveNodes.set(n.id, n));
      answer.edges.forEach((e) => live.set(e.id, e));
      drawPage(x.id, x.cat, answer);
    }
    const showEnded = $("show-ended").checked;
    const gone = [...before.keys()].filter((id) => !live.has(id));
    const added = [...live.keys()].filter((id) => !before.has(id));
    for (const id of gone) {
      if (showEnded) edges.update(visEdge({ ...before.get(id), ended: true, highlight: null }));
      else edges.remove(id);
    }
    for (const id of nodes.getIds()) {
      const info = S.info.get(id);
      if (!info || info.kind === "Summary" || liveNodes.has(id) || id === S.center) continue;
      if (showEnded || S.pinned.has(id)) nodes.update(visNode({ ...info, faded: true }));
      else {
        edges.remove(edges.get({ filter: (e) => e.from === id || e.to === id }).map((e) => e.id));
        nodes.remove(id); S.owner.delete(id);
      }
    }
    for (const n of liveNodes.values()) if (nodes.get(n.id)) nodes.update(visNode({ ...n, faded: false }));
    showDiff(previous, day, added.map((id) => live.get(id)), gone.map((id) => before.get(id)));
    done("时点 " + previous + " → " + day, t0, "redraw");
  }
  function edgeText(e) {
    const name = (id) => (S.info.get(id) || { name: id }).name;
    return name(e.source) + " →" + (e.label_zh || e.type) + "→ " + name(e.target);
  }
  function showDiff(from, to, added, gone) {
    const box = $("diff");
    box.replaceChildren(el("p", {}, from + " → " + to + "：新增 " + added.length + "，失效 " + gone.length));
    const list = el("ul", { id: "diff-list" });
    added.forEach((e) => list.append(el("li", { class: "added" }, "＋ " + edgeText(e))));
    gone.forEach((e) => list.append(el("li", { class: "ended" }, "－ " + edgeText(e))));
    box.append(list);
  }
  const EPOCH = Date.UTC(2000, 0, 1);
  const dayNumber = (day) => Math.round((Date.parse(day + "T00:00:00Z") - EPOCH) / 86400000);
  const dayText = (n) => new Date(EPOCH + n * 86400000).toISOString().slice(0, 10);

  // --- panel -------------------------------------------------------------------------
  function table(rows, head) {
    const t = el("table", {});
    if (head) t.append(el("tr", {}, ...head.map((h) => el("th", {}, h))));
    rows.forEach((r) => t.append(el("tr", {}, ...r.map((c) => el("td", {}, c)))));
    return t;
  }
  function measureLine(m) {
    const style = statusLabel(m.state);
    const pub = Object.entries(m).filter(([k]) => k.startsWith("publication"))
      .map(([k, v]) => k + " " + (typeof v === "object" ? JSON.stringify(v) : v)).join("；");
    return el("div", { class: "measure-line" }, "◆ " + m.id + " " + (m.kind_zh || m.kind || "") +
      "：" + style.label_zh + (m.state && m.state.in_force ? "（在执行）" : "") + " · " +
      (m.start || "?") + " – " + (m.end || "") + (pub ? " · 公示 " + pub : ""));
  }
  async function select(id) {
    const info = S.info.get(id);
    if (!info) return;
    if (info.kind === "Summary") { await nextPage(id); return; }
    const panel = $("panel");
    panel.replaceChildren(el("h2", {}, info.name), el("p", {}, (S.palette.nodes[info.kind] ||
      {}).label_zh + " · " + info.id));
    const actions = el("div", { class: "actions" });
    const act = (label, fn, cls) => actions.append(el("button", { type: "button", class: cls || "",
      onclick: () => fn().catch(fail) }, label));
    for (const [cat, zh] of CATEGORIES) act("展开" + zh, () => expand(id, cat), "expand-" + cat);
    act("收起", async () => collapse(id), "collapse");
    act(S.pinned.has(id) ? "取消固定" : "固定", async () => pin(id), "pin");
    if (info.kind === "Enterprise") {
      act("追责", () => accountability(id), "accountable");
      act("股权穿透", () => ownership(id), "owners");
      act("评分", () => score(id), "score");
    }
    if (info.kind === "Enterprise" || info.kind === "Person") act("关联方", () => related(id), "related");
    panel.append(actions);
    const kinds = el("div", { id: "path-kinds" }, "路径关系：");
    for (const cat of ["role", "shareholding", "suspected", "measure"]) {
      const box = el("input", { type: "checkbox", value: cat });
      box.checked = S.pathKinds.has(cat);
      box.addEventListener("change", () => { if (box.checked) S.pathKinds.add(cat); else S.pathKinds.delete(cat); });
      kinds.append(el("label", {}, box, cat));
    }
    panel.append(kinds, el("div", { id: "answer" }));
    if (S.selection.length === 2) {
      panel.append(el("button", { type: "button", id: "find-paths",
        onclick: () => paths(S.selection[0], S.selection[1]).catch(fail) },
        "查找路径：" + S.selection.map((n) => (S.info.get(n) || { name: n }).name).join(" ↔ ")));
    }
    if (info.kind === "Measure") panel.append(measureLine({ ...info.props, id: info.id, state: info.state }));
    if (!["Enterprise", "Person"].includes(info.kind) || masked(id)) {
      if (masked(id)) panel.append(el("p", { class: "hint" }, "此角色仅见掩码标识，不能按证件号查询该自然人。"));
      panel.append(table(Object.entries(info.props || {}).map(([k, v]) => [k, JSON.stringify(v)])));
      return;
    }
    const entity = await api("/v1/entities/" + encodeURIComponent(id), { as_of: S.date });
    panel.append(el("h3", {}, "属性"),
      table(Object.entries(entity.properties).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : v])));
    const roleRows = entity.roles.map((r) => [r.holder.name + " → " + r.enterprise.name, r.label_zh,
      (r.start || "?") + " – " + (r.end || ""), r.validity]);
    panel.append(el("h3", {}, "任职"), table(roleRows, ["持有人 → 企业", "职务", "期间", "有效"]));
    const holdRows = entity.shareholdings.map((h) => [(h.holder || {}).name + " → " + (h.enterprise || {}).name,
      h.percentage ?? JSON.stringify(h.range || ""), (h.start || "?") + " – " + (h.end || ""), h.validity]);
    panel.append(el("h3", {}, "股权"), table(holdRows, ["股东 → 企业", "比例", "期间", "有效"]));
    panel.append(el("h3", {}, "惩戒措施"), ...entity.measures.map(measureLine));
    panel.append(el("h3", {}, "来源与版本"), el("p", {}, JSON.stringify(entity.provenance) + " · 版本 " +
      (entity.history.count ?? "")));
  }

  // --- actions -----------------------------------------------------------------------
  function clearHighlight() {
    const ids = [...S.highlighted].filter((id) => edges.get(id));
    edges.update(ids.map((id) => visEdge({ ...S.edgeInfo.get(id), highlight: null })));
    S.highlighted.clear();
  }
  function ensureEdge(source, target, type, kind, extra) {
    const existing = edges.get({ filter: (e) => e.from === source && e.to === target &&
      (S.edgeInfo.get(e.id) || {}).type === type })[0];
    const info = existing ? S.edgeInfo.get(existing.id)
      : { id: kind + "|" + type + "|" + source + "|" + target, type, source, target,
          label_zh: (S.palette.rels[type] || {}).label_zh, validity: "yes", ...extra };
    edges.update(visEdge({ ...info, highlight: kind, ended: false }));
    S.highlighted.add(info.id);
  }
  function roleType(role) {
    return Object.entries(S.palette.rels).find(([, r]) => r.role === role)?.[0] || "MORE";
  }
  async function accountability(id) {
    const t0 = performance.now();
    const answer = await api("/v1/enterprises/" + encodeURIComponent(id) + "/accountable", { as_of: S.date });
    clearHighlight();
    const box = $("answer");
    box.replaceChildren(el("h3", {}, "追责（" + answer.as_of + "）"));
    for (const r of answer.reached.concat(answer.uncertain.map((u) => ({ ...u, uncertainReason: u.reason || "不确定" })))) {
      const steps = r.evidence || [];
      const measure = steps.find((s) => s.step === "measure");
      const person = steps.find((s) => s.step === "person") || { id: r.person, kind: "Person", name: r.name };
      addNodes(id, [measure ? { id: measure.id, kind: "Measure", name: measure.id, state: r.state, props: {} } : null,
                    { id: person.id, kind: "Person", name: person.name || r.name }].filter(Boolean));
      if (measure) ensureEdge(measure.id, id, "IMPOSED_ON", "evidence", {});
      for (const s of steps) {
        if (s.step === "role") ensureEdge(s.person, s.enterprise, roleType(s.role), "evidence",
          { start: s.start, end: s.end });
        if (s.step === "shareholding") {
          addNodes(s.enterprise, [{ id: s.holder.id, kind: s.holder.kind || "Person", name: s.holder.name || s.holder.id }]);
          ensureEdge(s.holder.id, s.enterprise, "HOLDS_SHARES", "evidence", { percentage: s.percentage });
        }
      }
      box.append(el("div", { class: r.uncertainReason ? "uncertain" : "reached" },
        (r.uncertainReason ? "？ " : "● ") + (person.name || r.name) + "（" + (r.roles || [r.role]).join("、") +
        "）" + (r.measure || "") + " " + statusLabel(r.state).label_zh + (r.uncertainReason ? "：" + r.uncertainReason : "")));
    }
    if (!answer.reached.length && !answer.uncertain.length) box.append(el("p", {}, "无被追责人员"));
    done("追责：" + answer.reached.length + " 人，不确定 " + answer.uncertain.length, t0, "action");
  }
  async function ownership(id) {
    const t0 = performance.now();
    const answer = await api("/v1/enterprises/" + encodeURIComponent(id) + "/owners", { as_of: S.date });
    clearHighlight();
    const box = $("answer");
    box.replaceChildren(el("h3", {}, "股权穿透（" + answer.as_of + "）"));
    for (const h of answer.holders) {
      for (const path of h.paths) {
        for (const s of path) {
          addNodes(s.enterprise, [{ id: s.holder.id, kind: s.holder.kind || "Enterprise", name: s.holder.name || s.holder.id }]);
          ensureEdge(s.holder.id, s.enterprise, "HOLDS_SHARES", "ownership", { percentage: s.percentage });
        }
      }
      box.append(el("div", {}, h.holder.name + "：有效持股 " + h.effective.low +
        (h.effective.high !== h.effective.low ? "–" + h.effective.high : "") + "%"));
    }
    const who = (x) => x ? (x.holder || x.person || x).name : "—";
    box.append(el("p", {}, "控股股东：" + who(answer.controlling_shareholder) + " · 实际控制人：" +
      who(answer.actual_controller) + " · 受益所有人：" + (answer.beneficial_owners.map(who).join("、") || "—")));
    done("股权穿透：" + answer.holders.length + " 个股东", t0, "action");
  }
  function pathText(p) {
    const parts = [p.nodes[0].name];
    p.edges.forEach((e, i) => {
      const forward = e.source === p.nodes[i].id;
      const label = e.label_zh + (e.percentage != null ? " " + e.percentage + "%" : "");
      parts.push(forward ? " →" + label + "→ " : " ←" + label + "← ", p.nodes[i + 1].name);
    });
    return parts.join("");
  }
  async function paths(a, b) {
    const t0 = performance.now();
    const answer = await api("/v1/paths", { from: a, to: b, as_of: S.date, kinds: [...S.pathKinds] });
    clearHighlight();
    const box = $("answer");
    box.replaceChildren(el("h3", {}, "最短路径（" + (answer.length ?? "无") + " 步）"));
    for (const p of answer.paths) {
      p.nodes.forEach((n, i) => addNodes(i ? p.nodes[i - 1].id : null, [n]));
      addEdges(p.edges);
      p.edges.forEach((e) => { edges.update(visEdge({ ...e, highlight: "path" })); S.highlighted.add(e.id); });
      box.append(el("div", { class: "path" }, pathText(p)));
    }
    if (!answer.paths.length) box.append(el("p", {}, "在所选关系和步数内无路径"));
    done("路径：" + answer.paths.length + " 条", t0, "action");
  }
  async function related(id) {
    const answer = await api("/v1/related/" + encodeURIComponent(id), { as_of: S.date, hops: 2 });
    const box = $("answer");
    box.replaceChildren(el("h3", {}, "关联方（" + answer.related.length + "）"));
    for (const r of answer.related.concat(answer.suspected)) {
      box.append(el("div", { class: "related" }, r.name + " · " + r.distance + " 步 · " +
        (r.relations || []).map((x) => x.label_zh + (x.suspected ? "（疑似）" : "")).join("、")));
    }
    done("关联方", performance.now(), "action");
  }
  async function score(id) {
    const answer = await api("/v1/scores/" + encodeURIComponent(id), { as_of: S.date });
    $("answer").replaceChildren(el("h3", {}, "评分 " + answer.score + " · " + answer.grade + " · " + answer.supervision),
      table(answer.contributions.map((c) => [c.explanation, "-" + c.points]), ["贡献", "分值"]));
  }

  // --- legend ------------------------------------------------------------------------
  function swatch(shape, colour, dashed) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "14");
    const part = document.createElementNS(ns, shape === "line" ? "line" : shape === "diamond" ? "polygon" : shape === "box" ? "rect" : "circle");
    const attrs = shape === "line" ? { x1: 1, y1: 7, x2: 21, y2: 7, stroke: colour, "stroke-width": 3 }
      : shape === "diamond" ? { points: "11,1 18,7 11,13 4,7", fill: colour, stroke: "#333" }
      : shape === "box" ? { x: 2, y: 2, width: 18, height: 10, fill: colour, stroke: "#333" }
      : { cx: 11, cy: 7, r: 5, fill: colour, stroke: "#333" };
    if (dashed) attrs["stroke-dasharray"] = "3 2";
    for (const [k, v] of Object.entries(attrs)) part.setAttribute(k, v);
    svg.append(part);
    return svg;
  }
  function legend() {
    const kinds = new Set(); const states = new Set(); const rels = new Set(); const marks = new Set();
    for (const n of nodes.getIds()) {
      const info = S.info.get(n) || {};
      if (info.kind === "Measure") states.add(info.state ? info.state.status : "uncertain");
      else if (info.kind) kinds.add(info.kind);
      if (info.faded) marks.add("faded");
    }
    for (const e of edges.getIds()) {
      const info = S.edgeInfo.get(e);
      if (!info) continue;
      rels.add(info.type);
      if (info.highlight) marks.add(info.highlight);
      if (info.ended) marks.add("ended");
      if (info.validity === "uncertain") marks.add("uncertain");
    }
    const box = $("legend");
    box.replaceChildren(el("h3", {}, "图例"));
    const row = (svg, text, key) => box.append(el("div", { "data-legend": key }, svg, text));
    for (const [k, s] of Object.entries(S.palette.nodes)) if (kinds.has(k)) row(swatch(s.shape, s.colour), s.label_zh, k);
    if (kinds.has("Summary")) row(swatch("box", "#eeeeee"), "折叠：下一页", "Summary");
    for (const [k, s] of Object.entries(S.palette.measures)) if (states.has(k)) row(swatch("diamond", s.colour, s.dashes), "惩戒措施：" + s.label_zh, "measure:" + k);
    for (const [k, s] of Object.entries(S.palette.rels)) if (rels.has(k)) row(swatch("line", s.colour), "→ " + s.label_zh, "rel:" + k);
    for (const [k, s] of Object.entries(S.palette.highlights)) if (marks.has(k)) row(swatch("line", s.colour), s.label_zh, "mark:" + k);
    if (marks.has("ended") || marks.has("faded")) row(swatch("line", FADED, true), "在此时点已失效（淡化）", "mark:ended");
    if (marks.has("uncertain")) row(swatch("line", "#666", true), "虚线：起止日期不确定", "mark:uncertain");
  }

  // --- share -------------------------------------------------------------------------
  function download(name, type, content) {
    const a = el("a", { href: URL.createObjectURL(new Blob([content], { type })), download: name });
    document.body.append(a); a.click(); a.remove();
  }
  function view() {
    return { center: S.center, as_of: S.date,
      nodes: nodes.getIds().map((id) => S.info.get(id)).filter(Boolean),
      edges: edges.getIds().map((id) => S.edgeInfo.get(id)).filter(Boolean) };
  }
  function graphml(v) {
    const x = (t) => esc(t);
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
      '<key id="name" for="node" attr.name="name" attr.type="string"/>',
      '<key id="kind" for="node" attr.name="kind" attr.type="string"/>',
      '<key id="type" for="edge" attr.name="type" attr.type="string"/>',
      '<key id="label" for="edge" attr.name="label_zh" attr.type="string"/>',
      '<key id="start" for="edge" attr.name="start" attr.type="string"/>',
      '<key id="end" for="edge" attr.name="end" attr.type="string"/>',
      '<graph edgedefault="directed">'];
    for (const n of v.nodes) lines.push('<node id="' + x(n.id) + '"><data key="name">' + x(n.name) +
      '</data><data key="kind">' + x(n.kind) + "</data></node>");
    for (const e of v.edges) lines.push('<edge id="' + x(e.id) + '" source="' + x(e.source) + '" target="' +
      x(e.target) + '"><data key="type">' + x(e.type) + '</data><data key="label">' + x(e.label_zh) +
      '</data><data key="start">' + x(e.start || "") + '</data><data key="end">' + x(e.end || "") + "</data></edge>");
    lines.push("</graph>", "</graphml>");
    return lines.join("\n");
  }
  function permalink() {
    const expanded = S.expanded.filter((x) => x.id !== S.center || x.cat !== "all" || x.pages > 1)
      .map((x) => [x.id, x.cat, x.pages].map(encodeURIComponent).join("~")).join(",");
    const hash = "party=" + encodeURIComponent(S.center || "") + "&date=" + S.date +
      (expanded ? "&expand=" + expanded : "");
    $("link").value = location.origin + location.pathname + "#" + hash;
    history.replaceState(null, "", "#" + hash);
  }
  function fromHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    const restore = (p.get("expand") || "").split(",").filter(Boolean).map((item) => {
      const [id, cat, pages] = item.split("~").map(decodeURIComponent);
      return { id, cat, pages: Number(pages) || 1 };
    });
    return { party: p.get("party"), date: p.get("date"), restore };
  }

  // --- start -------------------------------------------------------------------------
  let searchTimer = null;
  async function search(text) {
    const answer = await api("/v1/search", { q: text, limit: 20 });
    $("hits").replaceChildren(...answer.results.map((r) => el("li", { "data-id": r.id,
      onclick: () => open(r.id).catch(fail) }, r.name + "（" + (S.palette.nodes[r.kind] || {}).label_zh + "）" + r.id)));
    status("搜索“" + text + "”：" + answer.count + " 个结果");
  }
  function wire() {
    network = W.network = new vis.Network($("graph"), { nodes, edges }, {
      physics: { enabled: false }, interaction: { multiselect: true, hover: true, tooltipDelay: 150 },
      edges: { smooth: { type: "continuous" } }, nodes: { margin: 6 } });
    network.on("click", (params) => {
      S.selection = network.getSelectedNodes().filter((id) => (S.info.get(id) || {}).kind !== "Summary").slice(-2);
      if (params.nodes.length) select(params.nodes[params.nodes.length - 1]).catch(fail);
    });
    $("search").addEventListener("input", (ev) => {
      clearTimeout(searchTimer);
      const text = ev.target.value.trim();
      if (text) searchTimer = setTimeout(() => search(text).catch(fail), 250);
    });
    const today = new Date().toISOString().slice(0, 10);
    $("slider").max = dayNumber(today);
    $("date").value = S.date; $("slider").value = dayNumber(S.date);
    $("date").addEventListener("change", (ev) => setDate(ev.target.value).catch(fail));
    $("slider").addEventListener("input", (ev) => { $("date").value = dayText(Number(ev.target.value)); });
    $("slider").addEventListener("change", (ev) => setDate(dayText(Number(ev.target.value))).catch(fail));
    $("png").addEventListener("click", () => download("credtrace-" + S.date + ".png", "image/png",
      dataBytes($("graph").querySelector("canvas").toDataURL("image/png"))));
    $("json").addEventListener("click", () => download("credtrace-" + S.date + ".json", "application/json",
      JSON.stringify(view(), null, 2)));
    $("graphml").addEventListener("click", () => download("credtrace-" + S.date + ".graphml",
      "application/graphml+xml", graphml(view())));
    $("permalink").addEventListener("click", () => { permalink(); $("link").select(); });
  }
  // for bench/ui_bench.py: the same steps a click takes, awaited
  W.open = (id) => open(id);
  W.expand = (id, cat) => expand(id, cat || "all");
  function dataBytes(url) {
    const raw = atob(url.split(",")[1]);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  async function signedIn() {
    $("signin").hidden = true; $("who").hidden = false; $("work").hidden = false;
    $("role-note").textContent = "已登录（密钥仅保存在本标签页）";
    S.palette = await (await fetch("/ui/palette.json")).json();
    if (!network) wire();
    const link = fromHash();
    if (link.date) await setDate(link.date);
    if (link.party) await open(link.party, link.restore);
  }
  $("signin").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    S.key = $("key").value.trim(); S.purpose = $("purpose").value.trim();
    try {
      await api("/v1/search", { q: "0", limit: 1 });
    } catch (error) {
      $("signin-error").textContent = "登录失败：" + error.message; S.key = null;
      return;
    }
    sessionStorage.setItem("ct.key", S.key); sessionStorage.setItem("ct.purpose", S.purpose);
    $("key").value = "";
    signedIn().catch(fail);
  });
  $("signout").addEventListener("click", () => { sessionStorage.clear(); location.hash = ""; location.reload(); });
  const offered = new URLSearchParams(location.hash.slice(1)).get("key");
  if (offered) {  // `credtrace ui` hands its local key over in the hash (never sent to the server)
    $("key").value = offered;
    history.replaceState(null, "", location.pathname);
    $("purpose").focus();
  }
  if (S.key) signedIn().catch(fail);
})();
