// issou: small behaviours without inline scripts (the Content-Security-Policy forbids them).
// The file may be evaluated twice (a page swapped in whole by htmx, an extension, a cached copy):
// it runs once, in its own scope, so that nothing is declared twice and no handler added twice.
(() => {
  if (window.issouLoaded) return;
  window.issouLoaded = true;

  document.addEventListener("change", (event) => {
    const master = event.target.closest("[data-select-all]");
    if (!master) return;
    const name = master.dataset.selectAll;
    master.form.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
      box.checked = master.checked;
    });
  });

  // Irreversible steps ask first: a form, or the button that submits it, with
  // data-confirm="…". Registered before the drafts' handler and in the capture phase, so that a
  // step the person cancels is not sent at all.
  document.addEventListener(
    "submit",
    (event) => {
      const text = (event.submitter && event.submitter.dataset.confirm) || event.target.dataset.confirm;
      if (text && !window.confirm(text)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );

  // A print button (the inline onclick it once had is refused by the Content-Security-Policy).
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  // Visit drafts: a visit typed where the network drops is kept on the device (localStorage) and
  // sent when the connection returns. Each draft carries the form's client_key, so the server
  // records it once however often it arrives, and only as the visit of the person whose form made
  // it. A phone is shared: each person's drafts are kept under their own name, leave
  // with them at logout, and whoever signs in finds nobody else's (nor the one list all once shared).
  const DRAFTS_PREFIX = "issou.drafts";
  const USER = document.body.dataset.user || "";
  const DRAFTS = USER ? `${DRAFTS_PREFIX}.${USER}` : "";

  function readDrafts() {
    if (!DRAFTS) return [];
    try {
      return JSON.parse(localStorage.getItem(DRAFTS) || "[]");
    } catch {
      return [];
    }
  }

  function writeDrafts(list) {
    if (!DRAFTS) return;
    if (list.length) localStorage.setItem(DRAFTS, JSON.stringify(list));
    else localStorage.removeItem(DRAFTS);
  }

  if (USER) {
    for (const name of Object.keys(localStorage)) {
      if (name.startsWith(DRAFTS_PREFIX) && name !== DRAFTS) localStorage.removeItem(name);
    }
  }

  // Logging out takes the person's drafts off the device; unsent ones are named first. The logout
  // is sent in the background and the drafts go only once the server has ended the session: a
  // logout tapped where the network is down would otherwise lose the drafts and leave the person
  // signed in for whoever picks up the phone next.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-logout]")) return;
    event.preventDefault();
    const waiting = readDrafts().length;
    const text = `未送信の記録が${waiting}件あります。ログアウトすると、この端末から消えて送信されません。ログアウトしますか？`;
    if (waiting && !window.confirm(text)) return;
    let response;
    try {
      response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    } catch {
      window.alert(
        "電波が届かないため、ログアウトできませんでした。まだログインしたままです。接続が戻ってから、もう一度ログアウトしてください。" +
          (waiting ? "未送信の記録は端末に残っています。" : ""),
      );
      return;
    }
    if (!response.ok) {
      window.alert("ログアウトできませんでした。ページを開き直してから、もう一度ログアウトしてください。");
      return;
    }
    writeDrafts([]);
    window.location.assign(response.url);
  });

  function draftStatus(text, kind = "warning") {
    const box = document.getElementById("draft-status");
    if (!box) return;
    box.textContent = text;
    box.className = `alert alert-${kind}${text ? "" : " d-none"}`;
  }

  function currentCsrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch {
      return "";
    }
  }

  // Sends one draft to its form's address (with the form's files, when it has some). "sent" when
  // the server has it, "invalid" when it refused the content, "later" when it could not be reached
  // (offline, logged out, server down).
  async function sendDraft(draft, withFiles = null) {
    const token = currentCsrfToken();
    let body = new URLSearchParams(
      draft.fields.map(([name, value]) => [name, name === "csrfmiddlewaretoken" ? token : value]),
    );
    if (withFiles) {
      body = withFiles;
      body.set("csrfmiddlewaretoken", token);
    }
    try {
      const response = await fetch(draft.url, {
        method: "POST",
        body,
        headers: { "X-Issou-Draft": "1", "X-CSRFToken": token },
        credentials: "same-origin",
        redirect: "manual",
      });
      const data = await response.json().catch(() => ({}));
      if ((response.status === 200 || response.status === 201) && data.message) return ["sent", data];
      if (response.status === 400) return ["invalid", data];
      if (response.status === 404) {
        return ["invalid", { errors: { __all__: ["担当外の事業所のため送信できません。支部にお問い合わせください。"] } }];
      }
      return ["later", data];
    } catch {
      return ["later", {}];
    }
  }

  // The drafts kept on the device go to the API in one batch per kind: each answers
  // created, duplicate (it had arrived before) or its errors; the session and CSRF token sign it.
  const BATCHES = {
    visit: { url: "/api/v1/visits/bulk", key: "visits", body: visitDraft },
    enrolment: { url: "/api/v1/enrolments/bulk", key: "enrolments", body: enrolmentDraft },
  };

  function answers(draft) {
    const data = {};
    for (const [name, value] of draft.fields) {
      if (name === "csrfmiddlewaretoken") continue;
      data[name] = name in data ? [].concat(data[name], value) : value;
    }
    return data;
  }

  // Drafts saved before they named their business carry it in their address.
  function businessOf(draft) {
    return Number(draft.business || (draft.url.match(/businesses\/(\d+)\//) || [])[1]);
  }

  function visitDraft(draft) {
    const a = answers(draft);
    return {
      client_key: draft.key,
      business_id: businessOf(draft),
      visited_on: a.visited_on || null,
      visited_at: a.visited_at || null,
      method: a.method || "direct",
      companion_id: a.companion ? Number(a.companion) : null,
      met: a.met || "",
      topics: [].concat(a.topics || []),
      outcome: a.outcome || "",
      next_action: a.next_action || "",
      next_on: a.next_on || null,
      notes: a.notes || "",
    };
  }

  function enrolmentDraft(draft) {
    const a = answers(draft);
    return {
      client_key: draft.key,
      business_id: businessOf(draft),
      kind: a.kind || "",
      insurance_number: a.insurance_number || "",
      enrolled_on: a.enrolled_on || null,
      association_id: a.association ? Number(a.association) : null,
      filed_electronically: "filed_electronically" in a,
      bureau_guidance: "bureau_guidance" in a,
      ex_officio: "ex_officio" in a,
      one_insurance_only: "one_insurance_only" in a,
    };
  }

  // The results of one kind's drafts by client key; {} when the batch could not be sent (offline,
  // signed out, server down): they all wait for the next try.
  async function sendBatch(kind, drafts) {
    const batch = BATCHES[kind];
    try {
      const response = await fetch(batch.url, {
        method: "POST",
        body: JSON.stringify({ [batch.key]: drafts.map(batch.body) }),
        headers: { "Content-Type": "application/json", "X-CSRFToken": currentCsrfToken() },
        credentials: "same-origin",
      });
      if (response.status !== 200) return {};
      const data = await response.json();
      return Object.fromEntries(data.results.map((r) => [r.client_key, r]));
    } catch {
      return {};
    }
  }

  async function flushDrafts() {
    const list = readDrafts();
    if (!list.length) return;
    if (!navigator.onLine) {
      draftStatus(`未送信の記録が${list.length}件あります。接続が戻ると自動で送信します。`);
      return;
    }
    const results = {};
    for (const kind of Object.keys(BATCHES)) {
      const drafts = list.filter((d) => (d.kind || "visit") === kind);
      if (drafts.length) Object.assign(results, await sendBatch(kind, drafts));
    }
    const remaining = [];
    const problems = [];
    let sent = 0;
    for (const draft of list) {
      const result = results[draft.key];
      if (result && result.status !== "error") {
        sent += 1;
      } else {
        remaining.push(draft);
        if (result) problems.push(`${draft.label}：${result.errors.map((e) => e.message).join(" ")}`);
      }
    }
    writeDrafts(remaining);
    // The form on this page was among those sent: it is done, and is closed so it cannot be sent again.
    const form = document.querySelector("form[data-draft]");
    const own = form && results[form.querySelector("[name=client_key]").value];
    if (own && own.status !== "error") {
      closeSentForm(form);
      draftStatus(`保存していた記録を送信しました（${form.dataset.draftLabel}）。`, "success");
      return;
    }
    const parts = [];
    if (sent) parts.push(`保存していた記録${sent}件を送信しました。`);
    if (problems.length) parts.push(`送信できない記録があります（${problems.join("／")}）。記録の画面を開いて直してください。`);
    else if (remaining.length) parts.push(`未送信の記録が${remaining.length}件あります。あとで自動で送信します。`);
    draftStatus(parts.join(" "), problems.length ? "danger" : sent && !remaining.length ? "success" : "warning");
  }

  function closeSentForm(form) {
    for (const child of form.children) {
      if (child.id !== "draft-status") child.hidden = true;
    }
    const back = document.createElement("a");
    back.className = "btn btn-primary btn-lg w-100";
    back.href = form.dataset.doneUrl || "/";
    back.textContent = "担当事業所に戻る";
    form.append(back);
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-draft]");
    if (!form) return;
    event.preventDefault();
    const key = form.querySelector("[name=client_key]").value;
    const entries = new FormData(form);
    // Files cannot be kept on the device: a draft keeps the answers, the evidence is added later.
    const files = [...entries.values()].some((value) => value instanceof File && value.name);
    const draft = {
      url: form.getAttribute("action") || window.location.pathname,
      key,
      kind: form.dataset.draft,
      business: form.dataset.business,
      label: form.dataset.draftLabel || "",
      fields: [...entries.entries()].filter(([, value]) => !(value instanceof File)),
    };
    writeDrafts([...readDrafts().filter((d) => d.key !== key), draft]);
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    const [result, data] = navigator.onLine ? await sendDraft(draft, files ? entries : null) : ["later", {}];
    if (result === "sent") {
      writeDrafts(readDrafts().filter((d) => d.key !== key));
      window.location.assign(data.url);
    } else if (result === "invalid") {
      // The server shows what to fix on the form itself; the draft is not needed for that.
      writeDrafts(readDrafts().filter((d) => d.key !== key));
      HTMLFormElement.prototype.submit.call(form);
    } else {
      button.disabled = false;
      draftStatus(
        "電波が届かないため、この記録を端末に保存しました。接続が戻ると自動で送信します。" +
          (files ? "証拠書類は端末に保存できないため、送信後に成立の記録画面から添付してください。" : ""),
      );
    }
  });

  // A form reopened for a draft the server refused gets the draft's answers back.
  function restoreDraft() {
    const form = document.querySelector("form[data-draft]");
    if (!form) return;
    const draft = readDrafts().find((d) => d.url === (form.getAttribute("action") || window.location.pathname));
    if (!draft) return;
    for (const [name, value] of draft.fields) {
      if (name === "csrfmiddlewaretoken") continue;
      form.querySelectorAll(`[name="${name}"]`).forEach((input) => {
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.value === value) input.checked = true;
        } else {
          input.value = value;
        }
      });
    }
  }

  window.addEventListener("online", flushDrafts);
  document.addEventListener("DOMContentLoaded", () => {
    restoreDraft();
    flushDrafts();
  });
})();
