/* The import page's uploader: a file is sent in chunks (8 MiB) that resume after a dropped
   connection: on an error the page asks the server how much it holds and goes on from there.
   The SHA-256 of the whole file, computed while sending, closes the upload; the server checks
   it and answers with the preview's address. Without JavaScript the plain form sends the file
   whole (up to the form's limit). */
(function () {
  "use strict";

  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  /* SHA-256 fed piece by piece (the browser's crypto.subtle only hashes a whole buffer). */
  class Sha256 {
    constructor() {
      this.h = new Uint32Array([
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
      ]);
      this.buf = new Uint8Array(64);
      this.bufLen = 0;
      this.bytes = 0;
      this.w = new Uint32Array(64);
    }

    update(data) {
      let i = 0;
      this.bytes += data.length;
      if (this.bufLen) {
        const take = Math.min(64 - this.bufLen, data.length);
        this.buf.set(data.subarray(0, take), this.bufLen);
        this.bufLen += take;
        i = take;
        if (this.bufLen === 64) {
          this.block(this.buf, 0);
          this.bufLen = 0;
        }
      }
      for (; i + 64 <= data.length; i += 64) this.block(data, i);
      if (i < data.length) {
        this.buf.set(data.subarray(i), 0);
        this.bufLen = data.length - i;
      }
    }

    block(d, o) {
      const w = this.w;
      for (let t = 0; t < 16; t++) {
        const j = o + 4 * t;
        w[t] = (d[j] << 24) | (d[j + 1] << 16) | (d[j + 2] << 8) | d[j + 3];
      }
      for (let t = 16; t < 64; t++) {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      let a = this.h[0], b = this.h[1], c = this.h[2], e0 = this.h[3];
      let e = this.h[4], f = this.h[5], g = this.h[6], h = this.h[7];
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const t1 = (h + S1 + ch + K[t] + w[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (e0 + t1) | 0;
        e0 = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      this.h[0] += a; this.h[1] += b; this.h[2] += c; this.h[3] += e0;
      this.h[4] += e; this.h[5] += f; this.h[6] += g; this.h[7] += h;
    }

    hex() {
      const bits = this.bytes * 8;
      const pad = new Uint8Array((this.bufLen < 56 ? 64 : 128) - this.bufLen);
      pad[0] = 0x80;
      const view = new DataView(pad.buffer);
      view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
      view.setUint32(pad.length - 4, bits >>> 0);
      this.update(pad);
      return Array.from(this.h, (v) => v.toString(16).padStart(8, "0")).join("");
    }
  }
  window.communeSha256 = Sha256; // the page's tests compare it with Python's hashlib

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function send(form, file, say, bar) {
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const start = new FormData();
    start.append("csrfmiddlewaretoken", token);
    start.append("name", file.name);
    start.append("size", String(file.size));
    start.append("kind", form.querySelector("[name=kind]").value);
    start.append("time_zone", form.querySelector("[name=time_zone]").value);
    let response = await fetch(form.dataset.createUrl, { method: "POST", body: start });
    let state = await response.json();
    if (!response.ok) throw new Error(state.error);
    const hash = new Sha256();
    let hashed = 0;
    let offset = state.offset;
    let failures = 0;
    while (offset < file.size) {
      const end = Math.min(file.size, offset + state.chunk_bytes);
      const chunk = file.slice(offset, end);
      if (end > hashed) {
        const bytes = new Uint8Array(await file.slice(Math.max(offset, hashed), end).arrayBuffer());
        hash.update(bytes);
        hashed = end;
      }
      try {
        response = await fetch(`${state.url}?offset=${offset}`, {
          method: "PUT",
          headers: { "X-CSRFToken": token, "Content-Type": "application/octet-stream" },
          body: chunk,
        });
        const answer = await response.json();
        if (response.ok || response.status === 409) {
          offset = answer.offset;
          failures = 0;
        } else {
          throw new Error(answer.error);
        }
      } catch (error) {
        failures += 1;
        if (failures > 8) throw error;
        say(form.dataset.retrying || "…");
        await sleep(Math.min(30000, 500 * 2 ** failures));
        const asked = await fetch(state.url, { headers: { Accept: "application/json" } });
        offset = (await asked.json()).offset; // resume where the server stands
      }
      bar.value = Math.floor((100 * offset) / file.size);
      say(`${bar.value} %`);
    }
    const end = new FormData();
    end.append("csrfmiddlewaretoken", token);
    end.append("sha256", hash.hex());
    response = await fetch(state.url, { method: "POST", body: end });
    state = await response.json();
    if (!response.ok) throw new Error(state.error);
    window.location.assign(state.preview);
  }

  function setUp() {
    const form = document.getElementById("import-form");
    if (!form || !window.fetch || !window.Blob || !Blob.prototype.slice) return;
    const box = document.getElementById("upload-progress");
    const bar = document.getElementById("upload-bar");
    const status = document.getElementById("upload-status");
    const say = (text) => { status.textContent = text; };
    form.addEventListener("submit", (event) => {
      const input = form.querySelector("input[type=file]");
      const file = input && input.files && input.files[0];
      const big = file && file.size > Number(form.dataset.maxFormBytes);
      const preview = event.submitter && event.submitter.value === "preview";
      if (!file || !(preview || big)) return; // the plain form
      event.preventDefault();
      box.hidden = false;
      form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      send(form, file, say, bar).catch((error) => {
        say(error.message);
        status.setAttribute("role", "alert");
        form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
