"""What slotcraft's example bots share, messenger by messenger.

The bots speak in Telegram's shapes: updates are Telegram-shaped dicts and
keyboards are rows of (label, callback data). Each transport here turns its
messenger into those shapes and back, and shrinks a keyboard to what its
messenger can show (`menus`). Chats and users of other messengers get ids
with a prefix (`wa:` WhatsApp, `vk:` VK) so one bot and one database serve
all of them (`messengers.Messengers`)."""
