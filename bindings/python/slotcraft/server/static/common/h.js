// Elements from data, shared by the admin panel and the booking page: text is
// always text, never HTML; and text people typed is isolated (bdi, isolate).

/** An element: `h("button", {type: "button", onclick}, "Save")`; attributes starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith("on")) {
      element.addEventListener(name.slice(2), value);
    } else if (name in element && typeof value !== "string") {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : value);
    }
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

// Text people typed (a name, an id, a reason, an address) is stored as given,
// so it may hold right-to-left letters and bidirectional controls such as
// U+202E RIGHT-TO-LEFT OVERRIDE. Shown as it is, it would reorder the text
// after it on the same line ("10:00" read "00:01"): wherever a page shows
// such text, it is isolated, in the page's elements by bdi() and in plain
// text (a tab's title, an <option>, a calendar event's title, a sentence
// built as a string) by isolate().

/** Text someone typed, as an element (`<bdi>`: its own direction, isolated from the text around it). */
export function bdi(text) {
  return h("bdi", {}, text);
}

/** Texts someone typed (names, ids) as elements, each isolated, with ", " between them. */
export function bdiList(texts) {
  return texts.flatMap((text, i) => (i ? [", ", bdi(text)] : [bdi(text)]));
}

/** Text someone typed, within plain text: between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE. */
export function isolate(text) {
  return `\u2068${text}\u2069`;
}

/**
 * `text` with its `{name}` placeholders filled from `values` (a placeholder
 * without a value stays as written): a string; but when a value is an element
 * (`bdi(name)`) or an array of parts, the parts as an array, to give to h().
 */
export function fill(text, values) {
  const parts = text.split(/\{(\w+)\}/).map((part, i) => {
    if (i % 2 === 0) {
      return part;
    }
    return part in values ? values[part] : `{${part}}`;
  });
  const element = (part) => part instanceof Node || Array.isArray(part);
  if (!parts.some(element)) {
    return parts.map(String).join("");
  }
  return parts.filter((part) => part !== "").map((part) => (element(part) ? part : String(part)));
}
