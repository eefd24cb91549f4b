// ATTACH blocks rendered with Vue's server renderer: every block type of the reference, link
// rules, colours, and HTML reduced to safe elements (a DOM is needed for that part: skipped where
// the test runner has none).
import { describe, expect, test, vi } from 'vitest'
import { h } from 'vue'
import { renderToString } from 'vue/server-renderer'

vi.mock('../router', () => ({
  router: { push: vi.fn() },
  dialogLink: (d: string) => `/online/?IM_DIALOG=${encodeURIComponent(d)}`,
}))
vi.mock('../api/pull', () => ({ onIm: vi.fn(), startPull: vi.fn(), stopPull: vi.fn() }))
vi.mock('../frames/launch', () => ({ launchChatApp: vi.fn() }))

const { default: MessageAttach } = await import('./MessageAttach.vue')
const { attachesOf, keyboardOf, menuOf } = await import('./rich')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const render = (attach: any, chatColor = '#112233') =>
  renderToString(h(MessageAttach, { attach, dialogId: 'chat1', files: new Map(), chatColor }))

describe('MessageAttach', () => {
  test('every block type as the server stores it', async () => {
    const [a] = attachesOf({
      ATTACH: [
        {
          ID: '1',
          COLOR: '#29619b',
          BLOCKS: [
            { USER: [{ NAME: 'Ann', USER_ID: 5 }] },
            { LINK: [{ NAME: 'Ticket', LINK: 'https://t.example/1', DESC: 'Soon', PREVIEW: 'https://t.example/p.png' }] },
            { RICH_LINK: [{ NAME: 'Preview', LINK: 'https://r.example', DESC: 'A page' }] },
            { DELIMITER: { SIZE: 150, COLOR: '#c6c6c6' } },
            { GRID: [
              { NAME: 'A', VALUE: '1', DISPLAY: 'LINE', WIDTH: 80 },
              { NAME: 'B', VALUE: '[B]2[/B]', DISPLAY: 'LINE', COLOR: '#df532d' },
              { NAME: 'C', VALUE: 'three', DISPLAY: 'BLOCK' },
              { NAME: 'D', VALUE: '4', DISPLAY: 'ROW', WIDTH: 90 },
              { NAME: 'E', VALUE: '5', DISPLAY: 'TABLE' },
              { NAME: 'F', VALUE: 'chat', DISPLAY: 'CARD', CHAT_ID: 7 },
            ] },
            { MESSAGE: 'Text [I]block[/I]' },
            { IMAGE: [{ NAME: 'Pic', LINK: 'https://i.example/full.png', PREVIEW: 'https://i.example/small.png' }] },
            { FILE: [{ NAME: 'a.pdf', LINK: 'https://f.example/a.pdf', SIZE: 2048 }] },
          ],
        },
      ],
    })
    const out = await render(a)
    expect(out).toContain('border-left:3px solid #29619b')
    expect(out).toContain('href="/online/?IM_DIALOG=5"')
    expect(out).toContain('href="https://t.example/1"')
    expect(out).toContain('src="https://t.example/p.png"')
    expect(out).toContain('Soon')
    expect(out).toContain('A page')
    expect(out).toContain('width:150px')
    expect(out).toContain('data-display="LINE"')
    expect(out).toContain('<strong>2</strong>')
    expect(out).toContain('color:#df532d')
    expect(out).toContain('data-display="BLOCK"')
    expect(out).toContain('data-display="ROW"')
    expect(out).toContain('data-display="TABLE"')
    expect(out).toContain('href="/online/?IM_DIALOG=chat7"')
    expect(out).toContain('<em>block</em>')
    expect(out).toContain('src="https://i.example/small.png"')
    expect(out).toContain('href="https://i.example/full.png"')
    expect(out).toContain('a.pdf')
    expect(out).toContain('2.0 KB')
  })

  test('bad links are not links; transparent and CHAT colours; COLOR_TOKEN', async () => {
    const out = await render({
      ID: '2',
      COLOR: 'CHAT',
      BLOCKS: [
        { LINK: [{ NAME: 'Bad', LINK: 'javascript:alert(1)' }] },
        { IMAGE: [{ LINK: 'data:image/png;base64,AAAA' }] },
        { FILE: [{ NAME: 'x', LINK: 'vbscript:x' }] },
        { USER: [{ NAME: 'U', AVATAR: 'javascript:x' }] },
      ],
    })
    expect(out).not.toMatch(/javascript:|data:image|vbscript:/)
    expect(out).toContain('border-left:3px solid #112233')
    expect(await render({ ID: '3', COLOR: 'transparent', BLOCKS: [{ MESSAGE: 'x' }] })).toContain('border-left:none')
    expect(await render({ ID: '4', COLOR: '#aac337', COLOR_TOKEN: 'alert', BLOCKS: [{ MESSAGE: 'x' }] })).toContain(
      'var(--ui-color-accent-main-alert)',
    )
  })

  test('text in names and values is escaped', async () => {
    const out = await render({ ID: '5', COLOR: '#000', BLOCKS: [{ GRID: [{ NAME: '<b>n</b>', VALUE: '<script>x</script>' }] }] })
    expect(out).not.toContain('<script>')
    expect(out).toContain('&lt;script&gt;')
    expect(out).not.toContain('<b>n</b>')
  })
})

describe('reading the rich params', () => {
  test('KEYBOARD as a list, {BUTTONS}, a JSON string; "N" is none', () => {
    const b = [{ TEXT: 'a', COMMAND: 'x' }]
    expect(keyboardOf({ KEYBOARD: b })).toEqual(b)
    expect(keyboardOf({ KEYBOARD: { BUTTONS: b } })).toEqual(b)
    expect(keyboardOf({ KEYBOARD: JSON.stringify(b) })).toEqual(b)
    expect(keyboardOf({ KEYBOARD: 'N' })).toEqual([])
    expect(keyboardOf({ KEYBOARD: '{broken' })).toEqual([])
    expect(keyboardOf(null)).toEqual([])
  })

  test('MENU as a list or {ITEMS}; ATTACH lists only full attaches', () => {
    const items = [{ TEXT: 'a', LINK: 'https://x.y' }]
    expect(menuOf({ MENU: { ITEMS: items } })).toEqual(items)
    expect(menuOf({ MENU: { 0: items[0] } })).toEqual(items)
    expect(attachesOf({ ATTACH: [{ ID: 1, COLOR: '#fff', BLOCKS: [{ MESSAGE: 'm' }] }, 'junk', { NO: 1 }] })).toEqual([
      { ID: '1', COLOR: '#fff', COLOR_TOKEN: undefined, BLOCKS: [{ MESSAGE: 'm' }] },
    ])
    expect(attachesOf({ ATTACH: [] })).toEqual([])
  })
})
