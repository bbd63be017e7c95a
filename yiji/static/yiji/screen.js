// The waiting-room screen: each new call (a recall too) is announced — a chime, then the
// browser's own speech synthesis in the screen's language (no network). A lost connection
// shows a note; htmx keeps polling, and the screen recovers when the server answers again.
let announced = null;

function chime() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  const audio = new Context();
  [660, 880].forEach((frequency, i) => {
    const tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = frequency;
    gain.gain.value = 0.2;
    tone.connect(gain).connect(audio.destination);
    tone.start(audio.currentTime + i * 0.35);
    tone.stop(audio.currentTime + i * 0.35 + 0.3);
  });
}

function say(text) {
  if (!text || !window.speechSynthesis) return;
  chime();
  const words = new SpeechSynthesisUtterance(text);
  words.lang = document.body.dataset.voiceLang || "zh-CN";
  window.setTimeout(() => window.speechSynthesis.speak(words), 800);
}

function announceNewCall(first) {
  const call = document.getElementById("call");
  if (!call) return;
  if (call.dataset.key !== announced && !first) say(call.dataset.text);
  announced = call.dataset.key;
}

document.addEventListener("DOMContentLoaded", () => {
  announceNewCall(true);  // what was on the screen before it opened is not news
  document.getElementById("repeat").addEventListener("click", () => {
    const call = document.getElementById("call");
    if (call) say(call.dataset.text);
  });
});
document.addEventListener("htmx:afterSwap", () => {
  document.querySelector(".offline-note").hidden = true;
  announceNewCall(false);
});
document.addEventListener("htmx:sendError", () => {
  document.querySelector(".offline-note").hidden = false;
});
