// imhub live chat loader (docs/openlines.md "Live chat"). A website embeds one tag:
//   <script src="https://imhub.example.com/livechat/loader.js?code=<line code>" async></script>
// and gets a chat button in the corner that opens the line's chat window (/online/<code>) in a
// frame. Hand-written, dependency-free and tiny on purpose: it runs inside other people's pages,
// under a fixed name they link to (so it is not a hashed Vite asset). Everything it draws lives in
// a shadow root, so the page's styles and ours cannot touch each other.
(function () {
  'use strict'
  var script = document.currentScript
  if (!script || window.__imhubLivechat) return
  var src = new URL(script.src, location.href)
  var code = src.searchParams.get('code') || ''
  if (!/^[0-9a-fA-F]{32}$/.test(code)) return
  window.__imhubLivechat = true
  var OPEN_KEY = 'imhub-livechat-open'
  var HASH_KEY = 'LIVECHAT_HASH'

  // The visitor's hash, kept by this (first-party) page for the frame, which a browser may deny
  // storage of its own on another site: the frame reports it, and gets it back in its fragment.
  function savedHash() {
    try {
      var kept = localStorage.getItem(HASH_KEY)
      if (kept) return kept
    } catch (e) {
      // storage refused: try the cookie
    }
    var m = document.cookie.match(/(?:^|; )LIVECHAT_HASH=([0-9a-fA-F]{32})/)
    return m ? m[1] : ''
  }
  function saveHash(hash) {
    try {
      if (hash) localStorage.setItem(HASH_KEY, hash)
      else localStorage.removeItem(HASH_KEY)
    } catch (e) {
      // the cookie below still keeps it
    }
    document.cookie = hash
      ? HASH_KEY + '=' + hash + '; path=/; max-age=31536000; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '')
      : HASH_KEY + '=; path=/; max-age=0'
  }

  var host = document.createElement('div')
  host.setAttribute('data-imhub-livechat', code)
  var root = host.attachShadow({ mode: 'open' })
  var style = document.createElement('style')
  style.textContent =
    ':host{all:initial}' +
    '.button{position:fixed;right:24px;bottom:24px;z-index:2147483646;width:60px;height:60px;border:0;' +
    'border-radius:50%;background:#2066b0;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);' +
    'display:flex;align-items:center;justify-content:center}' +
    '.button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}' +
    '.window{position:fixed;right:24px;bottom:96px;z-index:2147483647;width:435px;height:557px;' +
    'min-width:340px;min-height:435px;max-width:calc(100vw - 48px);max-height:calc(100vh - 120px);' +
    'border:0;border-radius:12px;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.3)}' +
    '@media (max-width:480px){.window{right:0;bottom:0;width:100vw;height:100vh;max-width:none;' +
    'max-height:none;min-width:0;min-height:0;border-radius:0}}' +
    '[hidden]{display:none}'
  var button = document.createElement('button')
  button.className = 'button'
  button.type = 'button'
  button.setAttribute('aria-label', 'Open chat')
  button.setAttribute('aria-expanded', 'false')
  button.innerHTML =
    '<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">' +
    '<path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>'
  root.append(style, button)
  var frame = null

  function remember(open) {
    try {
      if (open) sessionStorage.setItem(OPEN_KEY, '1')
      else sessionStorage.removeItem(OPEN_KEY)
    } catch (e) {
      // storage refused: the window simply starts closed after a reload
    }
  }

  function show(open) {
    if (open && !frame) {
      frame = document.createElement('iframe')
      frame.className = 'window'
      frame.title = 'Chat'
      var hash = savedHash()
      frame.src = src.origin + '/online/' + code.toLowerCase() + (/^[0-9a-fA-F]{32}$/.test(hash) ? '#hash=' + hash : '')
      frame.setAttribute('allow', 'clipboard-write')
      root.append(frame)
    }
    if (frame) frame.hidden = !open
    button.setAttribute('aria-expanded', String(open))
    button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat')
    remember(open)
  }

  window.addEventListener('message', function (e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== src.origin) return
    var data = e.data
    if (!data || data.imhubLivechat !== 'hash') return
    if (data.hash === null || /^[0-9a-fA-F]{32}$/.test(data.hash)) saveHash(data.hash)
  })

  button.addEventListener('click', function () {
    show(!frame || frame.hidden)
  })
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && frame && !frame.hidden) show(false)
  })

  function mount() {
    document.body.appendChild(host)
    var open = false
    try {
      open = sessionStorage.getItem(OPEN_KEY) === '1'
    } catch (e) {
      open = false
    }
    if (open) show(true)
  }
  if (document.body) mount()
  else document.addEventListener('DOMContentLoaded', mount)
})()
