// The home page's live messages: one WebSocket to /ws, every message shown as it arrives.
const messages = document.getElementById("live-messages");
const input = document.getElementById("live-input");
const scheme = location.protocol === "https:" ? "wss" : "ws";
const socket = new WebSocket(`${scheme}://${location.host}/ws`);

socket.addEventListener("message", (event) => {
  const item = document.createElement("li");
  item.textContent = event.data; // text, never HTML: messages come from anyone
  messages.prepend(item);
});

document.getElementById("live-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (input.value && socket.readyState === WebSocket.OPEN) {
    socket.send(input.value);
    input.value = "";
  }
});
