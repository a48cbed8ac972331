// The page's words in English and Russian, and dates and times in the
// client's own language and time zone (the browser's), or in the master's.

import { fill } from "../common/h.js";

const MESSAGES = {
  en: {
    "page.title": "Book",
    "language.other": "Русский",
    "language.other.label": "Switch to Russian",
    "step.service": "1. Choose a service",
    "step.details": "2. Your details",
    "step.time": "3. Choose a day and time",
    "step.confirm": "4. Confirm",
    "service.minutes": "{minutes} min",
    "service.with": "with {names}",
    "field.name": "Your name",
    "field.contact": "Email or phone",
    "field.contact.hint": "Only for this booking: we write to you if something changes.",
    "field.name.missing": "Enter your name.",
    "field.contact.wrong": "Enter an email address or a phone number.",
    "details.continue": "Continue",
    "details.as": "Booking as {name}",
    "details.change": "Change",
    "telegram.as": "Booking as {name} (Telegram)",
    "month.previous": "Previous month",
    "month.next": "Next month",
    "month.loading": "Looking for free times…",
    "month.none": "No free times this month.",
    "day.none": "{date}: no free times",
    "day.pick": "Pick a day with free times (the others are greyed out).",
    "times.heading": "Free times on {date}",
    "zone.yours": "Times are in your time zone, {zone}.",
    "zone.master": "{names} works in {zone}.",
    "hold.until": "This time is held for you until {time}. Confirm before then.",
    "hold.holding": "Holding this time…",
    "when": "{date}, {time} your time",
    "when.master": "{time} in {zone}",
    "summary.service": "Service",
    "summary.master": "With",
    "summary.when": "When",
    "summary.where": "Where",
    "summary.who": "Name",
    "confirm.button": "Confirm booking",
    "confirm.another": "Choose another time",
    "race.lost": "Sorry, someone has just taken that time. Here are the free times now.",
    "hold.ended": "The time could not be booked ({message}). Please choose a time again.",
    "hold.lapsed": "The time was held for you until {time} and is no longer. Please choose a time again.",
    "done.title": "You are booked",
    "done.ics": "Add to your calendar (.ics)",
    "done.manage": "To cancel or move this booking later, keep this link:",
    "done.manage.link": "Manage my booking",
    "manage.title": "Your booking",
    "manage.details": "Booking details",
    "manage.status.confirmed": "Confirmed",
    "manage.status.held": "Not confirmed yet",
    "manage.status.cancelled": "Cancelled",
    "manage.status": "Status",
    "manage.cancel": "Cancel booking",
    "manage.cancel.sure": "Cancel this booking? The time becomes free for others.",
    "manage.cancel.yes": "Yes, cancel it",
    "manage.cancel.no": "Keep it",
    "manage.cancelled": "The booking is cancelled.",
    "manage.move": "Move to another time",
    "manage.move.heading": "Choose a new day and time",
    "manage.moved": "Moved: the new time is above.",
    "manage.fixed": "This booking can no longer be changed here.",
    "manage.broken": "This manage link does not work: {message}",
    "manage.book": "Book another time",
    "telegram.refused": "Telegram could not confirm who you are, so nothing can be booked here.",
    "telegram.refused.why": "The server said: {message}",
    "telegram.refused.hint": "Open the page again from the bot's button.",
    "page.missing": "This booking page does not exist or is closed.",
    "page.empty": "Nothing can be booked on this page at the moment.",
    "error.generic": "Something went wrong: {message}",
    "error.network": "The server did not answer. Check your connection and try again.",
  },
  ru: {
    "page.title": "Запись",
    "language.other": "English",
    "language.other.label": "Переключить на английский",
    "step.service": "1. Выберите услугу",
    "step.details": "2. Ваши данные",
    "step.time": "3. Выберите день и время",
    "step.confirm": "4. Подтверждение",
    "service.minutes": "{minutes} мин",
    "service.with": "мастер: {names}",
    "field.name": "Ваше имя",
    "field.contact": "Эл. почта или телефон",
    "field.contact.hint": "Только для этой записи: напишем, если что-то изменится.",
    "field.name.missing": "Введите имя.",
    "field.contact.wrong": "Введите адрес эл. почты или номер телефона.",
    "details.continue": "Продолжить",
    "details.as": "Запись на имя {name}",
    "details.change": "Изменить",
    "telegram.as": "Запись на имя {name} (Telegram)",
    "month.previous": "Предыдущий месяц",
    "month.next": "Следующий месяц",
    "month.loading": "Ищем свободное время…",
    "month.none": "В этом месяце свободного времени нет.",
    "day.none": "{date}: свободного времени нет",
    "day.pick": "Выберите день со свободным временем (остальные серые).",
    "times.heading": "Свободное время: {date}",
    "zone.yours": "Время указано в вашем часовом поясе: {zone}.",
    "zone.master": "{names} работает по времени {zone}.",
    "hold.until": "Это время закреплено за вами до {time}. Подтвердите запись до этого.",
    "hold.holding": "Закрепляем время…",
    "when": "{date}, {time} по вашему времени",
    "when.master": "{time} по времени {zone}",
    "summary.service": "Услуга",
    "summary.master": "Мастер",
    "summary.when": "Когда",
    "summary.where": "Где",
    "summary.who": "Имя",
    "confirm.button": "Подтвердить запись",
    "confirm.another": "Выбрать другое время",
    "race.lost": "Извините, это время только что заняли. Вот свободное время сейчас.",
    "hold.ended": "Записаться на это время не удалось ({message}). Выберите время ещё раз.",
    "hold.lapsed": "Время было закреплено за вами до {time} и больше не закреплено. Выберите время ещё раз.",
    "done.title": "Вы записаны",
    "done.ics": "Добавить в календарь (.ics)",
    "done.manage": "Чтобы потом отменить или перенести запись, сохраните ссылку:",
    "done.manage.link": "Управление записью",
    "manage.title": "Ваша запись",
    "manage.details": "Подробности записи",
    "manage.status.confirmed": "Подтверждена",
    "manage.status.held": "Ещё не подтверждена",
    "manage.status.cancelled": "Отменена",
    "manage.status": "Состояние",
    "manage.cancel": "Отменить запись",
    "manage.cancel.sure": "Отменить запись? Это время станет свободным для других.",
    "manage.cancel.yes": "Да, отменить",
    "manage.cancel.no": "Оставить",
    "manage.cancelled": "Запись отменена.",
    "manage.move": "Перенести на другое время",
    "manage.move.heading": "Выберите новый день и время",
    "manage.moved": "Запись перенесена: новое время выше.",
    "manage.fixed": "Эту запись здесь уже нельзя изменить.",
    "manage.broken": "Ссылка для управления записью не работает: {message}",
    "manage.book": "Записаться ещё раз",
    "telegram.refused": "Telegram не подтвердил, кто вы, поэтому записаться здесь нельзя.",
    "telegram.refused.why": "Ответ сервера: {message}",
    "telegram.refused.hint": "Откройте страницу заново кнопкой в боте.",
    "page.missing": "Такой страницы записи нет, или она закрыта.",
    "page.empty": "Сейчас на этой странице записаться не на что.",
    "error.generic": "Что-то пошло не так: {message}",
    "error.network": "Сервер не ответил. Проверьте соединение и попробуйте ещё раз.",
  },
};

export const LANGUAGES = Object.keys(MESSAGES);
const STORED = "slotcraft.book.language";

let current = "en";

function storedLanguage() {
  try {
    return localStorage.getItem(STORED);
  } catch {
    return null;
  }
}

/** The language chosen before on this device, else the browser's (Russian or English). */
export function initialLanguage(fallback = "") {
  const stored = storedLanguage();
  if (LANGUAGES.includes(stored)) {
    return stored;
  }
  const wanted = (fallback || navigator.language || "en").slice(0, 2).toLowerCase();
  return LANGUAGES.includes(wanted) ? wanted : "en";
}

export function setLanguage(language, remember = false) {
  current = LANGUAGES.includes(language) ? language : "en";
  document.documentElement.lang = current;
  if (remember) {
    try {
      localStorage.setItem(STORED, current);
    } catch {
      // storage is off (a private window, a strict webview): the choice lasts until the page closes
    }
  }
}

export function language() {
  return current;
}

/**
 * The message `key` with its `{name}` placeholders filled in: a string, or the
 * parts for h() when a value is an element (a name someone typed, `bdi(name)`;
 * in plain text, `isolate(name)`).
 */
export function t(key, values = {}) {
  return fill(MESSAGES[current][key] ?? MESSAGES.en[key] ?? key, values);
}

/** The browser's own time zone (the client's). */
export function ownZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function format(instant, options, zone) {
  return new Intl.DateTimeFormat(current, zone ? { ...options, timeZone: zone } : options).format(instant);
}

export const longDate = (instant, zone) => format(instant, { weekday: "long", day: "numeric", month: "long" }, zone);
export const time = (instant, zone) => format(instant, { hour: "2-digit", minute: "2-digit" }, zone);
export const shortDateTime = (instant, zone) =>
  format(instant, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }, zone);
export const monthName = (instant) => format(instant, { month: "long", year: "numeric" });
export const weekdayShort = (instant) => format(instant, { weekday: "short" });
