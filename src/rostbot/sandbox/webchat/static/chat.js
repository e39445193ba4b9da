// The sandbox chat page: renders what the server streams, sends what the person does.
// Plain JavaScript, no framework and no build step. Every text on the page comes from
// texts.json (Swedish and Danish); the bot's own messages come from the bot.
"use strict";

const state = {
  texts: {},
  lang: "sv",
  flows: [],
  people: new Map(), // key -> {data, section, list, pendingFocus}
  order: [],
  active: null,
  lastReload: null,
};

// ------------------------------------------------------------------ texts

function t(key, values = {}) {
  const table = state.texts[state.lang] || {};
  const text = table[key] !== undefined ? table[key] : key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function pickLanguage() {
  const saved = localStorage.getItem("rostbot-sandbox-lang");
  if (saved === "sv" || saved === "da") return saved;
  return (navigator.language || "").toLowerCase().startsWith("da") ? "da" : "sv";
}

function applyTexts() {
  document.documentElement.lang = state.lang;
  document.title = t("documentTitle");
  document.getElementById("page-lang").value = state.lang;
  for (const element of document.querySelectorAll("[data-t]")) {
    element.textContent = t(element.dataset.t);
  }
  renderFlowChoices();
  showReload();
  for (const person of state.people.values()) renderPersonTexts(person);
  renderPeopleNav();
  if (lastStored) renderStored(lastStored);
}

// ------------------------------------------------------------------ talking to the server

async function post(url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
  } catch (error) {
    throw new Error("network");
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || "bad-request");
  return answer;
}

function showError(element, error) {
  element.textContent = t("error_" + (error && error.message ? error.message : "bad-request"));
}

function connect() {
  const status = document.getElementById("page-error");
  const source = new EventSource("/events");
  source.onmessage = (event) => {
    status.textContent = "";
    handle(JSON.parse(event.data));
  };
  source.onerror = () => {
    status.textContent = t("offline");
  };
}

function handle(event) {
  if (event.type === "snapshot") {
    state.flows = event.flows;
    resetPeople();
    for (const person of event.people) addPerson(person);
    renderFlowChoices();
    scheduleStoredRefresh();
  } else if (event.type === "person") {
    addPerson(event.person);
    selectPerson(event.person.key, { focus: true });
    // The bot's first buttons take the focus when they come, as after every answer.
    state.people.get(event.person.key).pendingFocus = true;
  } else if (event.type === "item") {
    addItem(event.person, event.item);
    scheduleStoredRefresh();
  } else if (event.type === "item-changed") {
    replaceItem(event.person, event.item);
    scheduleStoredRefresh();
  } else if (event.type === "toast") {
    showToast(event.person, event.text);
  } else if (event.type === "flows") {
    state.flows = event.flows;
    renderFlowChoices();
  }
}

// ------------------------------------------------------------------ start controls

function flowTitle(flow) {
  return flow.title[state.lang] || flow.title.sv || flow.title.da || flow.id;
}

function renderFlowChoices() {
  const select = document.getElementById("flow");
  const chosen = select.value;
  select.replaceChildren();
  for (const flow of state.flows) {
    const option = document.createElement("option");
    option.value = flow.id;
    option.textContent = flowTitle(flow);
    select.append(option);
  }
  if (state.flows.some((flow) => flow.id === chosen)) select.value = chosen;
  renderLanguageChoices();
}

function renderLanguageChoices() {
  const select = document.getElementById("person-lang");
  const flow = state.flows.find((f) => f.id === document.getElementById("flow").value);
  const chosen = select.value || state.lang;
  select.replaceChildren();
  for (const lang of flow ? flow.languages : []) {
    const option = document.createElement("option");
    option.value = lang;
    option.textContent = t("lang_" + lang);
    select.append(option);
  }
  if (flow && flow.languages.includes(chosen)) select.value = chosen;
}

function showReload() {
  const status = document.getElementById("flow-status");
  const list = document.getElementById("flow-problems");
  const result = state.lastReload;
  list.replaceChildren();
  list.hidden = true;
  showWordings(result && result.ok ? result.wordings || [] : []);
  if (!result) {
    status.textContent = "";
    return;
  }
  if (result.ok) {
    status.textContent = t("reloadOk", { count: result.flows.length });
    return;
  }
  status.textContent = t("reloadProblems");
  let english = false;
  for (const problem of result.problems) {
    const item = document.createElement("li");
    const where = problem.line ? t("problemAtLine", { file: problem.file, line: problem.line }) : problem.file;
    item.append(element("span", "problem-where", where + (problem.path ? ", " + t("problemField", { path: problem.path }) : "") + ": "));
    const own = (problem.reasons || {})[state.lang];
    if (own) {
      item.append(element("span", "problem-reason", own));
    } else {
      // No catalog words for this reason (a library's rare message): English, marked so.
      const reason = element("span", "problem-reason", problem.reason);
      reason.lang = "en";
      item.append(reason, " ", element("span", "problem-english", t("problemInEnglish")));
      english = true;
    }
    list.append(item);
  }
  if (english) list.append(element("li", "problems-note", t("reloadProblemsEnglish")));
  list.hidden = false;
}

// Flow versions whose texts changed while `version` stayed: ids only, worded here.
function showWordings(changes) {
  const list = document.getElementById("flow-wordings");
  list.replaceChildren();
  list.hidden = changes.length === 0;
  for (const change of changes) {
    const flow = state.flows.find((f) => f.id === change.flow);
    const what = [];
    if (change.questions.length) {
      const key = change.questions.length === 1 ? "wordingQuestion" : "wordingQuestions";
      what.push(t(key, { ids: change.questions.join(", ") }));
    }
    if (change.texts.length) {
      const key = change.texts.length === 1 ? "wordingText" : "wordingTexts";
      what.push(t(key, { names: change.texts.join(", ") }));
    }
    if (change.order) what.push(t("wordingOrder"));
    const name = flow ? flowTitle(flow) + " (" + change.flow + ")" : change.flow;
    list.append(element("li", "wording", t("wordingChanged", { flow: name, version: change.version, what: what.join("; ") })));
  }
}

function wireControls() {
  const pageError = document.getElementById("page-error");
  document.getElementById("page-lang").addEventListener("change", (event) => {
    state.lang = event.target.value;
    localStorage.setItem("rostbot-sandbox-lang", state.lang);
    applyTexts();
  });
  document.getElementById("flow").addEventListener("change", renderLanguageChoices);
  document.getElementById("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    pageError.textContent = "";
    const flow = document.getElementById("flow").value;
    const lang = document.getElementById("person-lang").value;
    try {
      await post("/api/respondents", { flow, lang });
    } catch (error) {
      showError(pageError, error);
    }
  });
  document.getElementById("coordinator").addEventListener("click", async () => {
    pageError.textContent = "";
    try {
      const answer = await post("/api/coordinator", { lang: state.lang });
      selectPerson(answer.person, { focus: true });
    } catch (error) {
      showError(pageError, error);
    }
  });
  document.getElementById("reset").addEventListener("click", async () => {
    pageError.textContent = "";
    try {
      await post("/api/reset");
      document.getElementById("flow").focus();
    } catch (error) {
      showError(pageError, error);
    }
  });
  document.getElementById("reload").addEventListener("click", async () => {
    pageError.textContent = "";
    try {
      state.lastReload = await post("/api/flows/reload");
      showReload();
    } catch (error) {
      showError(pageError, error);
    }
  });
  document.getElementById("stored-refresh").addEventListener("click", refreshStored);
  document.getElementById("export").addEventListener("click", exportAnswers);
}

// ------------------------------------------------------------------ people and chats

function personName(data) {
  if (data.role === "coordinator") return t("coordinator");
  return t("respondent", { number: data.number });
}

function personDetail(data) {
  const parts = [];
  const flow = state.flows.find((f) => f.id === data.flow);
  if (flow) parts.push(flowTitle(flow));
  else if (data.flow) parts.push(data.flow);
  parts.push(t("lang_" + data.lang));
  return parts.join(" · ");
}

function resetPeople() {
  state.people.clear();
  state.order = [];
  state.active = null;
  document.getElementById("chats-row").replaceChildren();
  renderPeopleNav();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function addPerson(data) {
  if (state.people.has(data.key)) return;
  const id = "chat-" + data.key;
  const section = element("section", "chat");
  section.id = id;
  section.dataset.person = data.key;
  section.setAttribute("aria-labelledby", id + "-title");

  const head = element("div", "chat-head");
  const title = element("h3", "chat-title");
  title.id = id + "-title";
  const detail = element("p", "chat-detail");
  head.append(title, detail);

  // role=log sits on a wrapper: on the <ol> itself it would hide the list from its items.
  const log = element("div", "messages");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-labelledby", title.id);
  log.tabIndex = 0; // a scrolling region must be reachable by keyboard
  const list = element("ol", "message-list");
  log.append(list);

  const toast = element("p", "toast");
  toast.setAttribute("role", "status");

  const menu = element("div", "menu");
  menu.id = id + "-menu";
  menu.hidden = true;
  const menuTitle = element("h4", "menu-title");
  menuTitle.id = id + "-menu-title";
  const menuList = element("ul", "menu-list");
  menuList.setAttribute("aria-labelledby", menuTitle.id);
  menu.append(menuTitle, menuList);

  const form = element("form", "composer");
  const menuButton = element("button", "menu-button");
  menuButton.type = "button";
  menuButton.setAttribute("aria-expanded", "false");
  menuButton.setAttribute("aria-controls", menu.id);
  const label = element("label", "visually-hidden");
  label.htmlFor = id + "-input";
  // Several lines, as in Telegram: Enter sends, Shift+Enter starts a new line.
  const input = element("textarea", "composer-input");
  input.id = id + "-input";
  input.rows = 1;
  input.autocomplete = "off";
  input.maxLength = 4096;
  const send = element("button", "send primary");
  send.type = "submit";
  form.append(menuButton, label, input, send);

  const error = element("p", "chat-error");
  error.setAttribute("role", "alert");

  section.append(head, log, toast, menu, form, error);
  document.getElementById("chats-row").append(section);

  // follow: the chat shows its newest message, as a phone's chat does, until the person
  // scrolls up to read older ones.
  const person = { data, section, log, list, input, error, menu, menuButton, pendingFocus: false, follow: true };
  state.people.set(data.key, person);
  state.order.push(data.key);

  menuButton.addEventListener("click", () => toggleMenu(person));
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      toggleMenu(person, false);
      menuButton.focus();
    }
  });
  input.addEventListener("input", () => {
    person.pendingFocus = false;
    fitInput(input);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
  });
  log.addEventListener("scroll", () => {
    if (log.clientHeight > 0) person.follow = atEnd(log);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await sendText(person, input.value);
  });

  renderPersonTexts(person);
  for (const item of data.items) addItem(data.key, item);
  if (!state.active) selectPerson(data.key, { focus: false });
  showNewest(person);
  renderPeopleNav();
}

// The box grows with what is typed, up to a few lines, then scrolls.
function fitInput(input) {
  input.style.height = "auto";
  input.style.height = Math.min(input.scrollHeight + 2, 160) + "px";
}

function atEnd(log) {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
}

// Scroll the chat (never the page) to its newest message; a hidden chat (one chat at a time
// at phone width) does it when it is shown.
function showNewest(person) {
  if (person.follow) person.log.scrollTop = person.log.scrollHeight;
}

function renderPersonTexts(person) {
  const section = person.section;
  section.querySelector(".chat-title").textContent = personName(person.data);
  section.querySelector(".chat-detail").textContent = personDetail(person.data);
  section.querySelector(".menu-title").textContent = t("menuTitle");
  section.querySelector(".composer label").textContent = t("inputLabel");
  person.input.placeholder = t("inputPlaceholder");
  person.menuButton.textContent = t("menu");
  section.querySelector(".send").textContent = t("send");
  const menuList = section.querySelector(".menu-list");
  menuList.replaceChildren();
  for (const command of person.data.commands) {
    const item = element("li");
    const button = element("button", "menu-command");
    button.type = "button";
    button.append(element("span", "command", "/" + command.command), element("span", "description", command.description));
    button.addEventListener("click", async () => {
      toggleMenu(person, false);
      person.input.focus();
      await sendText(person, "/" + command.command);
    });
    item.append(button);
    menuList.append(item);
  }
  for (const node of person.list.children) {
    if (node.item) fillItem(person, node, node.item);
  }
}

async function toggleMenu(person, open) {
  const show = open === undefined ? person.menu.hidden : open;
  if (show) {
    // The bot may change a person's menu at any time (a coordinator gets more commands).
    try {
      const response = await fetch(`/api/people/${person.data.key}/commands`);
      if (response.ok) {
        person.data.commands = (await response.json()).commands;
        renderPersonTexts(person);
      }
    } catch (error) {
      // keep the menu the page already has
    }
  }
  person.menu.hidden = !show;
  person.menuButton.setAttribute("aria-expanded", String(show));
  if (show) {
    const first = person.menu.querySelector("button");
    if (first) first.focus();
  }
}

function renderPeopleNav() {
  const list = document.getElementById("people-list");
  list.replaceChildren();
  for (const key of state.order) {
    const person = state.people.get(key);
    const item = element("li");
    const button = element("button", "person-button", personName(person.data));
    button.type = "button";
    button.dataset.person = key;
    if (key === state.active) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => selectPerson(key, { focus: true }));
    item.append(button);
    list.append(item);
  }
  document.getElementById("no-people").hidden = state.order.length > 0;
}

function selectPerson(key, { focus }) {
  const person = state.people.get(key);
  if (!person) return;
  state.active = key;
  for (const other of state.people.values()) {
    other.section.classList.toggle("active", other === person);
  }
  showNewest(person);
  renderPeopleNav();
  if (focus) {
    person.section.scrollIntoView({ block: "nearest", inline: "nearest" });
    person.input.focus();
  }
}

async function sendText(person, text) {
  person.error.textContent = "";
  if (!text.trim()) {
    showError(person.error, new Error("empty-message"));
    return;
  }
  // The box empties and the focus may follow the bot's answer at once, as in Telegram:
  // the answer can come before the server has said the message went out.
  const typed = person.input.value === text;
  if (typed) {
    person.input.value = "";
    fitInput(person.input);
  }
  person.pendingFocus = true;
  try {
    await post(`/api/people/${person.data.key}/text`, { text });
  } catch (error) {
    person.pendingFocus = false;
    if (typed && !person.input.value) {
      person.input.value = text;
      fitInput(person.input);
    }
    showError(person.error, error);
  }
}

async function press(person, messageId, row, column) {
  person.error.textContent = "";
  person.pendingFocus = true;
  try {
    await post(`/api/people/${person.data.key}/press`, { message_id: messageId, row, column });
  } catch (error) {
    showError(person.error, error);
  }
}

function showToast(key, text) {
  const person = state.people.get(key);
  if (!person) return;
  const toast = person.section.querySelector(".toast");
  toast.textContent = text;
}

// ------------------------------------------------------------------ messages

function formatSize(bytes) {
  return bytes < 1024 ? t("bytes", { count: bytes }) : `${Math.round(bytes / 102.4) / 10} kB`;
}

// What the sandbox itself says in a chat, by kind of note.
const NOTES = { letter: "letterNote", coordinator: "coordinatorNote", restart: "restartNote" };

// The letter's link opens this person's chat with the bot and sends /start with its code,
// as tapping the link in a letter does in Telegram.
function letterLink(person, url) {
  let code = null;
  try {
    code = new URL(url).searchParams.get("start");
  } catch (error) {
    code = null;
  }
  if (!code) return element("p", "text note-text", url);
  const link = element("a", "text note-text letter-link", url);
  link.href = url;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    selectPerson(person.data.key, { focus: true });
    await sendText(person, "/start " + code);
  });
  return link;
}

function fillItem(person, node, item) {
  node.item = item;
  node.className = "bubble from-" + item.from + (item.deleted ? " deleted" : "");
  node.replaceChildren();
  const who = element("span", "visually-hidden", t(item.from === "me" ? "me" : item.from === "bot" ? "bot" : "note") + ": ");
  node.append(who);
  if (item.deleted) {
    node.append(element("p", "text", t("deleted")));
    return;
  }
  if (item.from === "note") {
    node.append(element("p", "note-title", t(NOTES[item.note] || "note")));
    if (item.text && item.note === "letter") node.append(letterLink(person, item.text));
    else if (item.text) node.append(element("p", "text note-text", item.text));
    return;
  }
  if (item.file) {
    const link = element("a", "file", item.file.image ? t("image", { name: item.file.name }) : t("download", { name: item.file.name, size: formatSize(item.file.size) }));
    link.href = item.file.url;
    link.download = item.file.name;
    node.append(link);
  }
  if (item.text) node.append(element("p", "text", item.text));
  if (item.edited) node.append(element("span", "edited", t("edited")));
  if (item.buttons && item.buttons.length) {
    const keyboard = element("div", "keyboard");
    keyboard.setAttribute("role", "group");
    keyboard.setAttribute("aria-label", t("answerButtons"));
    item.buttons.forEach((row, rowIndex) => {
      const line = element("div", "keyboard-row");
      row.forEach((button, columnIndex) => {
        let control;
        if (button.kind === "url" && /^(https?|tg):/i.test(button.url)) {
          control = element("a", "inline-button", button.text);
          control.href = button.url;
          control.rel = "noopener noreferrer";
          control.target = "_blank";
        } else {
          control = element("button", "inline-button", button.text);
          control.type = "button";
          control.dataset.row = rowIndex;
          control.dataset.column = columnIndex;
          if (button.destructive) control.dataset.destructive = "yes";
          if (button.kind === "callback") {
            control.addEventListener("click", () => press(person, item.message_id, rowIndex, columnIndex));
          } else {
            control.disabled = true;
          }
        }
        line.append(control);
      });
      keyboard.append(line);
    });
    node.append(keyboard);
  }
}

function addItem(key, item) {
  const person = state.people.get(key);
  if (!person || person.list.querySelector(`[data-key="${item.key}"]`)) return;
  const node = element("li");
  node.dataset.key = item.key;
  node.tabIndex = -1;
  fillItem(person, node, item);
  person.list.append(node);
  // Scroll the chat only, never the page, as a phone's chat follows new messages.
  if (item.from === "me") person.follow = true;
  showNewest(person);
  if (item.from === "bot") moveFocusAfterAnswer(person, node, item);
}

function moveFocusAfterAnswer(person, node, item) {
  // After a tap or a sent line, keyboard users continue on the bot's next buttons,
  // unless they are typing already.
  if (!person.pendingFocus) return;
  const active = document.activeElement;
  const lost = active === null || active === document.body;
  const waiting = lost || person.log.contains(active) || (active === person.input && !person.input.value);
  if (!waiting) return; // the person is busy elsewhere (typing, the menu, another chat)
  // Never onto a button that cannot be undone ("Yes, erase"): onto the safe choice beside
  // it ("No, go back"), or else onto the message itself, which is read out.
  const buttons = [...node.querySelectorAll(".inline-button:not([disabled])")];
  const risky = buttons.some((button) => button.dataset.destructive);
  const target = risky ? buttons.find((button) => !button.dataset.destructive) || node : buttons[0];
  if (target) {
    person.pendingFocus = false;
    target.focus();
  } else if (lost) {
    person.input.focus();
  }
}

function replaceItem(key, item) {
  const person = state.people.get(key);
  if (!person) return;
  const node = person.list.querySelector(`[data-key="${item.key}"]`);
  if (!node) return;
  const focused = node.contains(document.activeElement) ? document.activeElement : null;
  const place = focused && focused.dataset ? [focused.dataset.row, focused.dataset.column] : null;
  fillItem(person, node, item);
  if (!focused) return;
  // An edit (a tick on a multiple choice) keeps the focus on the same button.
  const same = place && node.querySelector(`[data-row="${place[0]}"][data-column="${place[1]}"]`);
  (same || node).focus();
}

// ------------------------------------------------------------------ what is stored

let storedTimer = null;

function scheduleStoredRefresh() {
  clearTimeout(storedTimer);
  storedTimer = setTimeout(refreshStored, 400);
}

let tableNumber = 0;

function table(title, columns, rows) {
  const block = element("div", "table-block");
  const id = "table-" + ++tableNumber;
  const heading = element("h3", "table-title", title);
  heading.id = id;
  const wrapper = element("div", "table-scroll");
  wrapper.tabIndex = 0; // a scrolling region must be reachable by keyboard
  wrapper.setAttribute("role", "region");
  wrapper.setAttribute("aria-labelledby", id);
  const grid = element("table");
  grid.setAttribute("aria-labelledby", id);
  const head = element("thead");
  const headRow = element("tr");
  for (const column of columns) {
    const cell = element("th", "", column);
    cell.scope = "col";
    headRow.append(cell);
  }
  head.append(headRow);
  const body = element("tbody");
  for (const row of rows) {
    const line = element("tr");
    for (const value of row) line.append(element("td", "", value));
    body.append(line);
  }
  grid.append(head, body);
  wrapper.append(grid);
  block.append(heading, wrapper);
  return block;
}

const ROWS_SHOWN = 3; // rows of a table shown before "show all"
let lastStored = null;

async function refreshStored() {
  let answer;
  try {
    const response = await fetch("/api/stored");
    answer = await response.json();
    if (!response.ok) throw new Error(answer.error || "bad-request");
  } catch (error) {
    showError(document.getElementById("page-error"), error);
    return;
  }
  // A message arriving re-reads the store; an unchanged answer leaves the view as it is,
  // so rows someone opened do not close under their hands.
  if (lastStored && JSON.stringify(lastStored) === JSON.stringify(answer)) return;
  lastStored = answer;
  renderStored(answer);
}

const openedRows = new Set(); // tables whose rows are open
const allRowsShown = new Set(); // tables showing every row

function columnMarks(view) {
  const list = element("ul", "column-marks");
  list.setAttribute("aria-label", t("columnsLabel", { name: view.name }));
  for (const column of view.columns) {
    const kind = view.protection[column] || "undescribed";
    const item = element("li", "column-mark");
    item.dataset.column = column;
    item.dataset.protection = kind;
    const name = element("code", "", column);
    name.lang = "en";
    item.append(name, " ", element("span", "mark mark-" + kind, t("mark_" + kind)));
    list.append(item);
  }
  return list;
}

function storedRows(view) {
  const box = element("details", "stored-rows");
  box.append(element("summary", "", t("rowsSummary", { total: view.total })));
  // Open rows stay open, and all rows stay shown, when the view is drawn again.
  box.open = openedRows.has(view.name);
  box.addEventListener("toggle", () => {
    if (box.open) openedRows.add(view.name);
    else openedRows.delete(view.name);
  });
  const every = allRowsShown.has(view.name);
  const shown = every ? view.rows : view.rows.slice(-ROWS_SHOWN);
  const block = table(t("rowsShown", { name: view.name, shown: shown.length, total: view.total }), view.columns, shown);
  box.append(block);
  if (view.rows.length > shown.length) {
    const more = element("button", "show-all", t("showAllRows", { shown: view.rows.length }));
    more.type = "button";
    more.addEventListener("click", () => {
      allRowsShown.add(view.name);
      const whole = table(t("rowsShown", { name: view.name, shown: view.rows.length, total: view.total }), view.columns, view.rows);
      block.replaceWith(whole);
      more.remove();
    });
    box.append(more);
  }
  return box;
}

function renderStored(answer) {
  const target = document.getElementById("stored-tables");
  const blocks = [];
  for (const view of answer.tables) {
    const block = element("article", "stored-table");
    block.dataset.table = view.name;
    const heading = element("h3", "stored-table-name", view.name);
    heading.lang = "en";
    block.append(heading);
    const words = view.words[state.lang];
    const about = element("p", "table-explained");
    if (words) {
      about.append(words.holds.charAt(0).toUpperCase() + words.holds.slice(1) + ". ");
      about.append(element("strong", "", t("tableForm") + " "), words.form + ". ");
      if (words.kept) about.append(element("strong", "", t("tableKept") + " "), words.kept + ".");
    } else {
      about.textContent = t("tableUndescribed");
    }
    block.append(about, columnMarks(view));
    if (view.total) block.append(storedRows(view));
    else block.append(element("p", "hint", t("tableEmpty")));
    blocks.push(block);
  }
  target.replaceChildren(...blocks);
}

async function exportAnswers() {
  const target = document.getElementById("exported");
  const button = document.getElementById("export");
  target.replaceChildren();
  button.disabled = true;
  let answer;
  try {
    answer = await post("/api/export");
  } catch (error) {
    const problem = element("p", "page-error");
    showError(problem, error);
    target.append(problem);
    return;
  } finally {
    button.disabled = false;
  }
  if (answer.error) {
    // The export's own words, as `rostbot export` prints them, are English.
    const problem = element("p", "page-error", t("exportFailed") + " ");
    const reason = element("span", "", answer.error);
    reason.lang = "en";
    problem.append(reason);
    target.append(problem);
    return;
  }
  target.append(element("h3", "exported-title", t("exportTitle", { key: answer.key_id })));
  target.append(element("p", "", t("exportSummary", { opened: answer.opened, acknowledged: answer.acknowledged })));
  target.append(element("p", "hint", t("exportFolder", { folder: answer.folder })));
  for (const note of answer.notes) target.append(element("p", "hint", note));
  for (const file of answer.files) {
    const title = t("rowsShown", { name: file.name, shown: file.rows.length, total: file.total });
    const block = table(title, file.columns, file.rows);
    block.dataset.file = file.name;
    target.append(block);
  }
  refreshStored();
}

// ------------------------------------------------------------------ start

async function main() {
  state.texts = await (await fetch("/static/texts.json")).json();
  state.lang = pickLanguage();
  wireControls();
  applyTexts();
  connect();
}

main();
