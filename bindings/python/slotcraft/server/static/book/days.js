// Free slots grouped by the client's local day, and the days of a month.

/** `YYYY-MM-DD` of `date` on the browser's (the client's) calendar. */
export function dayKey(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function startOfMonth(date) {
  return new Date(date.getFullYear(), date.getMonth(), 1);
}

export function addMonths(month, count) {
  return new Date(month.getFullYear(), month.getMonth() + count, 1);
}

/** The slots by the local day of their start, each day's in order. */
export function byDay(slots) {
  const days = new Map();
  for (const slot of slots) {
    const key = dayKey(new Date(slot.start));
    if (!days.has(key)) {
      days.set(key, []);
    }
    days.get(key).push(slot);
  }
  return days;
}

/** Every day of `month` (a Date on its first day), with the blanks before the
 * first one so that weeks start on Monday. */
export function monthGrid(month) {
  const first = startOfMonth(month);
  const blanks = (first.getDay() + 6) % 7;
  const days = [];
  for (let d = new Date(first); d.getMonth() === first.getMonth(); d.setDate(d.getDate() + 1)) {
    days.push(new Date(d));
  }
  return { blanks, days };
}

/** The seven weekdays from Monday, as dates of one week (for their names). */
export function weekdays() {
  return Array.from({ length: 7 }, (_, i) => new Date(2027, 2, 1 + i)); // 2027-03-01 is a Monday
}
