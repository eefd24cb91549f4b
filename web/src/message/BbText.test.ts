// What BbText puts into the page, rendered to HTML with Vue's server renderer: user text is
// escaped, links carry only allowed hrefs with rel/target, actions are buttons.
import { describe, expect, test, vi } from 'vitest'
import { h } from 'vue'
import { renderToString } from 'vue/server-renderer'

vi.mock('../router', () => ({
  router: { push: vi.fn() },
  dialogLink: (d: string) => `/online/?IM_DIALOG=${encodeURIComponent(d)}`,
}))
vi.mock('../api/pull', () => ({ onIm: vi.fn(), startPull: vi.fn(), stopPull: vi.fn() }))
vi.mock('../frames/launch', () => ({ launchChatApp: vi.fn() }))

const { default: BbText } = await import('./BbText')
const { readableText, quoteText, QUOTE_LINE } = await import('./bbcode')

const html = (text: string) => renderToString(h(BbText, { text, dialogId: 'chat1' }))

describe('BbText', () => {
  test('escapes HTML in text, attributes and link bodies', async () => {
    const out = await html('<script>alert(1)</script> [b]<img src=x onerror=alert(1)>[/b] [url=https://a.b/"onmouseover="x]q[/url]')
    expect(out).not.toContain('<script>')
    expect(out).not.toContain('<img src=x')
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(out).not.toMatch(/href="https:\/\/a\.b\/"onmouseover/)
  })

  test('links open in a new tab without an opener; bad schemes are not links', async () => {
    const out = await html('[url=https://example.com/a?b=1&c=2]site[/url] [url=javascript:alert(1)]bad[/url] https://auto.example')
    expect(out).toContain('href="https://example.com/a?b=1&amp;c=2"')
    expect(out).toContain('target="_blank"')
    expect(out).toContain('rel="noopener noreferrer"')
    expect(out).not.toContain('javascript:')
    expect(out).toContain('href="https://auto.example"')
  })

  test('mentions, chat links, SEND / PUT buttons, CALL', async () => {
    const out = await html('[USER=5]Ann[/USER] [CHAT=7]Room[/CHAT] [SEND=yes]Yes[/SEND] [PUT=/s]Search[/PUT] [CALL=+123]call[/CALL]')
    expect(out).toContain('href="/online/?IM_DIALOG=5"')
    expect(out).toContain('href="/online/?IM_DIALOG=chat7"')
    expect(out).toMatch(/<button type="button"[^>]*data-test="bb-send"[^>]*>Yes<\/button>/)
    expect(out).toMatch(/<button type="button"[^>]*data-test="bb-put"[^>]*>Search<\/button>/)
    expect(out).toContain('href="tel:+123"')
  })

  test('quotes, code, line breaks', async () => {
    const out = await html(`>>quoted\n[code][b]raw[/b][/code]a[BR]b\n${QUOTE_LINE}\nAnn [1.1.2020 10:00]\nold\n${QUOTE_LINE}`)
    expect(out).toContain('<blockquote')
    expect(out).toContain('<code>[b]raw[/b]</code>')
    expect(out).toContain('a<br>b')
    expect(out).toContain('Ann')
  })
})

describe('clipboard and quote text', () => {
  test('readableText keeps lines, drops codes', () => {
    expect(readableText('[b]Hi[/b] [url=https://a.b]there[/url]\n>>q\nend')).toBe('Hi there\n> q\nend')
  })

  test('quoteText is the Bitrix24 54-dash block, without nested quotes', () => {
    const inner = quoteText('Bob', '1.1.2020 10:00', 'old')
    const q = quoteText('Ann', '2.2.2020 11:00', `${inner}new`)
    expect(q).toBe(`${QUOTE_LINE}\nAnn [2.2.2020 11:00]\nnew\n${QUOTE_LINE}\n`)
  })
})
