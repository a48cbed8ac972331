// The panel's words in English and Russian. The browser's languages pick one;
// the language switch overrides them (kept in localStorage). Dates and times
// are written in the viewer's locale.

import { fill } from "../common/h.js";

const MESSAGES = {
  en: {
    "app.title": "slotcraft admin",
    "language": "Language",
    "nav.label": "Sections",
    "nav.calendar": "Calendar",
    "nav.bookings": "Bookings",
    "nav.reports": "Reports",
    "nav.catalog": "Catalog",
    "nav.settings": "Settings",
    "nav.audit": "Audit log",
    "nav.users": "Users and keys",
    "nav.webhooks": "Webhooks",
    "signedInAs": "{name} ({role})",
    "role.admin": "admin",
    "role.staff": "staff",
    "role.client": "client",
    "signOut": "Sign out",
    "signIn.title": "Sign in",
    "signIn.login": "Login",
    "signIn.password": "Password",
    "signIn.submit": "Sign in",
    "signIn.wrong": "Wrong login or password.",
    "signIn.wait": "Too many failed sign-ins: try again in {seconds} s.",
    "signIn.ended": "Your session has ended: sign in again.",
    "signIn.signedOut": "You are signed out.",
    "refused.title": "Not allowed",
    "refused.clients": "This panel is for admins and staff. You are signed in as {name}, a client.",
    "refused.adminsOnly": "The {page} page is for admins only. You are signed in as {name} ({role}).",
    "refused.byServer": "The server refused: {message}",
    "refused.back": "Back to the calendar",
    "error.network": "The server did not answer. Check the connection and try again.",
    "error.generic": "Something went wrong: {message}",
    "error.notNumber": "must be a whole number",
    "dismiss": "Dismiss",
    "close": "Close",
    "cal.title": "Calendar",
    "cal.controls": "Calendar controls",
    "cal.previousWeek": "Previous week",
    "cal.nextWeek": "Next week",
    "cal.previousDay": "Previous day",
    "cal.nextDay": "Next day",
    "cal.today": "Today",
    "cal.goTo": "Go to date",
    "cal.view": "View",
    "cal.week": "Week",
    "cal.day": "Day",
    "cal.service": "Free slots of",
    "cal.noService": "no service",
    "cal.zone": "Times in",
    "cal.zoneOwn": "each calendar's own zone",
    "cal.zoneMine": "my zone ({zone})",
    "cal.resources": "Calendars",
    "cal.noResources": "There are no resources yet: add them in the Catalog section.",
    "cal.noneChosen": "Choose at least one calendar.",
    "cal.shownIn": "{zone}, shown in {shown}",
    "cal.free": "Free",
    "cal.seatsLeft": "{count} seats left",
    "cal.held": "Held",
    "cal.timeOff": "Time off",
    "cal.noClient": "no client",
    "cal.legend": "Legend",
    "cal.loadFailed": "The calendar of {resource} could not be loaded: {message}",
    "cal.moved": "Moved to {when}.",
    "cal.moveRefused": "Not moved: {message}",
    "cal.moveRefusedBecause": "Not moved, because:",
    "cal.booked": "Booked {when} for {client}.",
    "cal.cancelled": "The booking of {when} is cancelled.",
    "cal.attendanceSaved": "Attendance saved.",
    "book.title": "Book this time",
    "book.findClient": "Find a client",
    "book.client": "Client",
    "book.noClients": "No client matches. Clients are added through the API for now.",
    "book.submit": "Book",
    "book.refused": "Not booked: {message}",
    "book.refusedBecause": "Not booked, because:",
    "booking.title": "Booking",
    "booking.service": "Service",
    "booking.client": "Client",
    "booking.resource": "With",
    "booking.when": "When",
    "booking.yourTime": "Your time",
    "booking.status": "Status",
    "booking.location": "Location",
    "status.confirmed": "confirmed",
    "status.held": "held (not confirmed yet)",
    "status.cancelled": "cancelled",
    "booking.move": "Move to",
    "booking.moveSubmit": "Move",
    "booking.noFreeStarts": "No free start this week to move it to.",
    "booking.attendance": "Attendance",
    "booking.attendanceSubmit": "Save attendance",
    "attendance.unmarked": "not marked",
    "attendance.attended": "attended",
    "attendance.no_show": "did not come",
    "booking.cancel": "Cancel booking…",
    "booking.confirmCancel": "Cancel the booking of {client} on {when}? The time becomes free again.",
    "booking.reason": "Reason (optional)",
    "booking.yesCancel": "Yes, cancel it",
    "booking.keep": "Keep it",
    "settings.title": "Settings",
    "settings.reminders": "Reminders before a booking",
    "settings.globalBreaks": "Breaks for everyone",
  },
  ru: {
    "app.title": "slotcraft: администрирование",
    "language": "Язык",
    "nav.label": "Разделы",
    "nav.calendar": "Календарь",
    "nav.bookings": "Записи",
    "nav.reports": "Отчёты",
    "nav.catalog": "Каталог",
    "nav.settings": "Настройки",
    "nav.audit": "Журнал изменений",
    "nav.users": "Пользователи и ключи",
    "nav.webhooks": "Вебхуки",
    "signedInAs": "{name} ({role})",
    "role.admin": "администратор",
    "role.staff": "сотрудник",
    "role.client": "клиент",
    "signOut": "Выйти",
    "signIn.title": "Вход",
    "signIn.login": "Логин",
    "signIn.password": "Пароль",
    "signIn.submit": "Войти",
    "signIn.wrong": "Неверный логин или пароль.",
    "signIn.wait": "Слишком много неудачных попыток: повторите через {seconds} с.",
    "signIn.ended": "Сеанс закончился: войдите снова.",
    "signIn.signedOut": "Вы вышли.",
    "refused.title": "Нет доступа",
    "refused.clients": "Эта панель для администраторов и сотрудников. Вы вошли как {name}, клиент.",
    "refused.adminsOnly": "Раздел «{page}» только для администраторов. Вы вошли как {name} ({role}).",
    "refused.byServer": "Сервер отказал: {message}",
    "refused.back": "Вернуться к календарю",
    "error.network": "Сервер не ответил. Проверьте соединение и повторите.",
    "error.generic": "Что-то пошло не так: {message}",
    "error.notNumber": "нужно целое число",
    "dismiss": "Скрыть",
    "close": "Закрыть",
    "cal.title": "Календарь",
    "cal.controls": "Управление календарём",
    "cal.previousWeek": "Предыдущая неделя",
    "cal.nextWeek": "Следующая неделя",
    "cal.previousDay": "Предыдущий день",
    "cal.nextDay": "Следующий день",
    "cal.today": "Сегодня",
    "cal.goTo": "Перейти к дате",
    "cal.view": "Вид",
    "cal.week": "Неделя",
    "cal.day": "День",
    "cal.service": "Свободное время услуги",
    "cal.noService": "без услуги",
    "cal.zone": "Время",
    "cal.zoneOwn": "в поясе каждого календаря",
    "cal.zoneMine": "в моём поясе ({zone})",
    "cal.resources": "Календари",
    "cal.noResources": "Ресурсов пока нет: добавьте их в разделе «Каталог».",
    "cal.noneChosen": "Выберите хотя бы один календарь.",
    "cal.shownIn": "{zone}, показано в {shown}",
    "cal.free": "Свободно",
    "cal.seatsLeft": "мест: {count}",
    "cal.held": "Удержано",
    "cal.timeOff": "Отсутствие",
    "cal.noClient": "без клиента",
    "cal.legend": "Обозначения",
    "cal.loadFailed": "Календарь «{resource}» не загрузился: {message}",
    "cal.moved": "Перенесено на {when}.",
    "cal.moveRefused": "Не перенесено: {message}",
    "cal.moveRefusedBecause": "Не перенесено, потому что:",
    "cal.booked": "Записано: {when}, {client}.",
    "cal.cancelled": "Запись на {when} отменена.",
    "cal.attendanceSaved": "Посещение отмечено.",
    "book.title": "Записать на это время",
    "book.findClient": "Найти клиента",
    "book.client": "Клиент",
    "book.noClients": "Клиент не найден. Пока клиентов добавляют через API.",
    "book.submit": "Записать",
    "book.refused": "Не записано: {message}",
    "book.refusedBecause": "Не записано, потому что:",
    "booking.title": "Запись",
    "booking.service": "Услуга",
    "booking.client": "Клиент",
    "booking.resource": "У кого",
    "booking.when": "Когда",
    "booking.yourTime": "По вашему времени",
    "booking.status": "Статус",
    "booking.location": "Место",
    "status.confirmed": "подтверждена",
    "status.held": "удержана (ещё не подтверждена)",
    "status.cancelled": "отменена",
    "booking.move": "Перенести на",
    "booking.moveSubmit": "Перенести",
    "booking.noFreeStarts": "На этой неделе нет свободного времени для переноса.",
    "booking.attendance": "Посещение",
    "booking.attendanceSubmit": "Сохранить посещение",
    "attendance.unmarked": "не отмечено",
    "attendance.attended": "пришёл",
    "attendance.no_show": "не пришёл",
    "booking.cancel": "Отменить запись…",
    "booking.confirmCancel": "Отменить запись клиента {client} на {when}? Время снова станет свободным.",
    "booking.reason": "Причина (необязательно)",
    "booking.yesCancel": "Да, отменить",
    "booking.keep": "Оставить",
    "settings.title": "Настройки",
    "settings.reminders": "Напоминания до записи",
    "settings.globalBreaks": "Общие перерывы",
  },
};

export const LANGUAGES = { en: "English", ru: "Русский" };

/** A page's own words, `{en: {...}, ru: {...}}`, kept beside the page that uses them. */
export function addMessages(messages) {
  for (const [code, texts] of Object.entries(messages)) {
    Object.assign(MESSAGES[code], texts);
  }
}
const STORAGE_KEY = "slotcraft.admin.language";

function chosenLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage refused (a private window): the browser's languages decide
  }
}

/** "en" or "ru": the switch's choice, else the first of the browser's languages the panel speaks. */
export function language() {
  const chosen = chosenLanguage();
  if (chosen in MESSAGES) {
    return chosen;
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split("-")[0];
    if (base in MESSAGES) {
      return base;
    }
  }
  return "en";
}

export function setLanguage(code) {
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // not kept across reloads, but applied now
  }
  document.documentElement.lang = code;
}

/** The locale dates and times are written in: the browser's own when it is in the panel's language. */
export function locale() {
  const chosen = language();
  const browser = navigator.language || chosen;
  return browser.toLowerCase().split("-")[0] === chosen ? browser : chosen;
}

/**
 * The message `key` in the panel's language, with {name} placeholders filled
 * from `params`: a string, or the parts for h() when a value is an element
 * (a name someone typed, `bdi(name)`; in plain text, `isolate(name)`).
 */
export function t(key, params = {}) {
  return fill(MESSAGES[language()][key] ?? MESSAGES.en[key] ?? key, params);
}

/** A period such as "Tue, Mar 9, 9:00 – 10:00 AM" in `zone`, in the viewer's locale. */
export function formatPeriod(start, end, zone) {
  const format = new Intl.DateTimeFormat(locale(), {
    timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "numeric",
    minute: "2-digit",
  });
  return format.formatRange(new Date(start), new Date(end));
}

export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
