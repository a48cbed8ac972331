// The page as a Telegram Mini App, without Telegram's telegram-web-app.js (no
// script from another site): Telegram opens the page with its signed initData
// in the URL's fragment (#tgWebAppData=...), which the server checks; events
// go to the Telegram app the way that script sends them.

/** The initData Telegram opened the page with, or "" outside Telegram. */
export function initData() {
  return new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") ?? "";
}

/** Sends `eventType` to the Telegram app around the page (mobile and desktop apps, or Telegram Web's frame). */
export function postEvent(eventType, eventData = {}) {
  if (window.TelegramWebviewProxy?.postEvent) {
    window.TelegramWebviewProxy.postEvent(eventType, JSON.stringify(eventData));
  } else if (window.parent !== window) {
    window.parent.postMessage(JSON.stringify({ eventType, eventData }), "https://web.telegram.org");
  }
}
