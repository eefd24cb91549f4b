// The BB-code parser against protocol.md §12.3 / §12.4 and hostile input.
import { describe, expect, test } from 'vitest'
import { parse, plainText, safeHref, QUOTE_LINE, type Node } from './bbcode'

const text = (v: string): Node => ({ t: 'text', v })

describe('inline codes', () => {
  test('bold, italic, underline, strike, any case, nested', () => {
    expect(parse('[B]bold[/B] [i]it[/I] [u]u[/u] [s]s[/s]')).toEqual([
      { t: 'b', c: [text('bold')] },
      text(' '),
      { t: 'i', c: [text('it')] },
      text(' '),
      { t: 'u', c: [text('u')] },
      text(' '),
      { t: 's', c: [text('s')] },
    ])
    expect(parse('[b]a [i]b[/i][/b]')).toEqual([{ t: 'b', c: [text('a '), { t: 'i', c: [text('b')] }] }])
  })

  test('size is clamped to 8–30, colour must be #rgb or #rrggbb', () => {
    expect(parse('[size=14]x[/size]')).toEqual([{ t: 'size', px: 14, c: [text('x')] }])
    expect(parse('[size=100]x[/size]')).toEqual([{ t: 'size', px: 30, c: [text('x')] }])
    expect(parse('[size=abc]x[/size]')).toEqual([text('x')])
    expect(parse('[color=#f00]r[/color][color=#ff0000]r[/color]')).toEqual([
      { t: 'color', color: '#f00', c: [text('r')] },
      { t: 'color', color: '#ff0000', c: [text('r')] },
    ])
    expect(parse('[color=red;background:url(x)]r[/color]')).toEqual([text('r')])
  })

  test('line breaks: \\n, [BR], #BR#, CRLF', () => {
    expect(parse('a\nb[BR]c#BR#d\r\ne')).toEqual([
      text('a'), { t: 'br' }, text('b'), { t: 'br' }, text('c'), { t: 'br' }, text('d'), { t: 'br' }, text('e'),
    ])
  })

  test('four spaces and tabs are kept as text', () => {
    expect(parse('    indent\tx')).toEqual([text('    indent\tx')])
  })

  test('unknown tags stay literal', () => {
    expect(parse('[quote]x[/quote] [foo=1]')).toEqual([text('[quote]x[/quote] [foo=1]')])
    expect(parse('a [ b ] [1] []')).toEqual([text('a [ b ] [1] []')])
  })
})

describe('links', () => {
  test('[URL] and [URL=…], quoted values, www.', () => {
    expect(parse('[url]https://a.example/x?y=1[/url]')).toEqual([
      { t: 'link', href: 'https://a.example/x?y=1', c: [text('https://a.example/x?y=1')] },
    ])
    expect(parse('[URL=https://bitrix24.com]Link [b]to[/b][/URL]')).toEqual([
      { t: 'link', href: 'https://bitrix24.com', c: [text('Link '), { t: 'b', c: [text('to')] }] },
    ])
    expect(parse('[url="http://a.b"]q[/url]')).toEqual([{ t: 'link', href: 'http://a.b', c: [text('q')] }])
    expect(parse('[url=www.example.com]w[/url]')).toEqual([{ t: 'link', href: 'http://www.example.com', c: [text('w')] }])
    expect(parse('[url=mailto:a@b.c]mail[/url]')).toEqual([{ t: 'link', href: 'mailto:a@b.c', c: [text('mail')] }])
    expect(parse('[url=/online/?IM_DIALOG=chat5]chat[/url]')).toEqual([{ t: 'link', href: '/online/?IM_DIALOG=chat5', c: [text('chat')] }])
  })

  test('javascript:, data:, vbscript:, protocol-relative and obfuscated schemes are not links', () => {
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)',
      'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '//evil.example/x',
      '/\\evil.example', 'javascript://example.com/%0aalert(1)', 'file:///etc/passwd', '\u0001javascript:alert(1)']) {
      expect(safeHref(bad), bad).toBe('')
      const nodes = parse(`[url=${bad}]click[/url]`)
      expect(JSON.stringify(nodes)).not.toContain('"link"')
      expect(parse(`[url]${bad}[/url]`).some((n) => n.t === 'link')).toBe(false)
    }
  })

  test('bare addresses become links without trailing punctuation', () => {
    expect(parse('see https://example.com/a_(b). and www.example.org, ok')).toEqual([
      text('see '),
      { t: 'link', href: 'https://example.com/a_(b)', c: [text('https://example.com/a_(b)')] },
      text('. and '),
      { t: 'link', href: 'http://www.example.org', c: [text('www.example.org')] },
      text(', ok'),
    ])
    expect(parse('(https://example.com)')).toEqual([
      text('('), { t: 'link', href: 'https://example.com', c: [text('https://example.com')] }, text(')'),
    ])
    // Not inside a link, a mention or an action, and not inside code.
    expect(parse('[url=https://a.b]https://c.d[/url]')).toEqual([{ t: 'link', href: 'https://a.b', c: [text('https://c.d')] }])
    expect(parse('[send=https://x.y]https://x.y[/send]')).toEqual([{ t: 'send', value: 'https://x.y', c: [text('https://x.y')] }])
    expect(parse('[code]https://x.y[/code]')).toEqual([{ t: 'code', v: 'https://x.y' }])
  })
})

describe('messenger codes', () => {
  test('mentions: [USER=id], REPLACE form, all, empty body', () => {
    expect(parse('[USER=5]Alexandra[/USER]')).toEqual([{ t: 'user', id: 5, c: [text('Alexandra')] }])
    expect(parse('[USER=503 REPLACE]Klaus Weber[/USER]')).toEqual([{ t: 'user', id: 503, c: [text('Klaus Weber')] }])
    expect(parse('[user=all]everyone[/user]')).toEqual([{ t: 'user', id: 'all', c: [text('everyone')] }])
    expect(parse('[USER=7][/USER]')).toEqual([{ t: 'user', id: 7, c: [] }])
    expect(parse('[USER=x]y[/USER]')).toEqual([text('y')])
  })

  test('chat, open-line, context and dialog links', () => {
    expect(parse('[CHAT=12]link[/CHAT]')).toEqual([{ t: 'dialog', dialogId: 'chat12', messageId: 0, c: [text('link')] }])
    expect(parse('[chat=imol|34]s[/chat]')).toEqual([{ t: 'dialog', dialogId: 'imol|34', messageId: 0, c: [text('s')] }])
    expect(parse('[context=chat5/77]m[/context]')).toEqual([{ t: 'dialog', dialogId: 'chat5', messageId: 77, c: [text('m')] }])
    expect(parse('[context=1:2/78]m[/context]')).toEqual([{ t: 'dialog', dialogId: '1:2', messageId: 78, c: [text('m')] }])
    expect(parse('[dialog=chat9]d[/dialog]')).toEqual([{ t: 'dialog', dialogId: 'chat9', messageId: 0, c: [text('d')] }])
    expect(parse('[dialog=1:2 message=3]d[/dialog]')).toEqual([{ t: 'dialog', dialogId: '1:2', messageId: 3, c: [text('d')] }])
  })

  test('send, put with and without a value; call', () => {
    expect(parse('[send=text]button caption[/send]')).toEqual([{ t: 'send', value: 'text', c: [text('button caption')] }])
    expect(parse('[put=/search]Enter search text[/put]')).toEqual([{ t: 'put', value: '/search', c: [text('Enter search text')] }])
    expect(parse('[PUT=/search ]Search[/PUT]')).toEqual([{ t: 'put', value: '/search ', c: [text('Search')] }])
    expect(parse('[SEND]yes[/SEND]')).toEqual([{ t: 'send', value: 'yes', c: [text('yes')] }])
    expect(parse('[CALL=18012334455]call[/CALL]')).toEqual([{ t: 'call', number: '18012334455', c: [text('call')] }])
    expect(parse('[call]+1 (801) 233-44[/call]')).toEqual([{ t: 'call', number: '+180123344', c: [text('+1 (801) 233-44')] }])
    expect(parse('[call=javascript:x]c[/call]')).toEqual([text('c')])
  })

  test('code is not parsed', () => {
    expect(parse('[code]\n[b]x[/b]\n>>no\n[/code]after')).toEqual([{ t: 'code', v: '[b]x[/b]\n>>no' }, text('after')])
    expect(parse('[CODE]a[/code]')).toEqual([{ t: 'code', v: 'a' }])
  })

  test('images, icons, timestamps, disk, attach, rating', () => {
    expect(parse('[img size=small]https://x.y/a.png [/img]')).toEqual([{ t: 'img', src: 'https://x.y/a.png', size: 'small' }])
    expect(parse('[img size=large]javascript:alert(1) [/img]')).toEqual([text('javascript:alert(1) ')])
    expect(parse('[icon=https://x.y/i.png size=24 title=Thumbs up]')).toEqual([
      { t: 'icon', src: 'https://x.y/i.png', size: 24, title: 'Thumbs up' },
    ])
    expect(parse('[icon=javascript:x title=t]')).toEqual([text('[icon=javascript:x title=t]')])
    expect(parse('[timestamp=1700000000 format=SHORT_TIME_FORMAT]')).toEqual([{ t: 'timestamp', ts: 1700000000, format: 'SHORT_TIME_FORMAT' }])
    expect(parse('[DISK=12]')).toEqual([{ t: 'disk', id: 12 }])
    expect(parse('a [ATTACH=1] b')).toEqual([text('a '), { t: 'attach', id: '1' }, text(' b')])
    expect(parse('[RATING=5][RATING=9]')).toEqual([{ t: 'rating', n: 5 }, text('[RATING=9]')])
    expect(parse('[PCH=3]call[/PCH]')).toEqual([{ t: 'pch', c: [text('call')] }])
  })
})

describe('quotes', () => {
  test('>> lines form one quote', () => {
    expect(parse('before\n>>first quote line\n>>second [b]x[/b]\nafter')).toEqual([
      text('before'),
      { t: 'quote', author: '', date: '', c: [text('first quote line'), { t: 'br' }, text('second '), { t: 'b', c: [text('x')] }] },
      text('after'),
    ])
  })

  test('54-dash blocks with the author line', () => {
    const msg = `${QUOTE_LINE}\nJohn Doe [08.04.2016 13:06:49]\nHello everyone!\n${QUOTE_LINE}\nMy answer`
    expect(parse(msg)).toEqual([
      { t: 'quote', author: 'John Doe', date: '08.04.2016 13:06:49', c: [text('Hello everyone!')] },
      text('My answer'),
    ])
    // Without a closing line it is text.
    expect(parse(`${QUOTE_LINE}\nx`)).toEqual([text(QUOTE_LINE), { t: 'br' }, text('x')])
    // A line of another length is not a quote.
    expect(parse(`${QUOTE_LINE}-\nx\n${QUOTE_LINE}-`).some((n) => n.t === 'quote')).toBe(false)
  })
})

describe('malformed and hostile input', () => {
  test('unclosed tags are literal, their content kept', () => {
    expect(parse('[b]bold')).toEqual([text('[b]bold')])
    expect(parse('[b]a[i]b[/b]')).toEqual([{ t: 'b', c: [text('a[i]b')] }])
    expect(parse('[b]a[/i]')).toEqual([text('[b]a[/i]')])
    expect(parse('[url=https://a.b]x')).toEqual([text('[url=https://a.b]x')])
    expect(parse('[code]never closed [b]x[/b]')).toEqual([text('[code]never closed '), { t: 'b', c: [text('x')] }])
  })

  test('crossed pairs do not produce crossed nodes', () => {
    expect(parse('[b][i]x[/b][/i]')).toEqual([{ t: 'b', c: [text('[i]x')] }, text('[/i]')])
  })

  test('links do not nest', () => {
    const nodes = parse('[url=https://a.b][url=https://c.d]in[/url][/url]')
    // The inner pair closes first; the outer stays literal around it (never an anchor in an anchor).
    const links = JSON.stringify(nodes).match(/"t":"link"/g) ?? []
    expect(links.length).toBeLessThanOrEqual(2)
  })

  test('deep nesting is cut at MAX_DEPTH and stays fast', () => {
    const deep = '[b]'.repeat(5000) + 'x' + '[/b]'.repeat(5000)
    const t0 = performance.now()
    const nodes = parse(deep)
    expect(performance.now() - t0).toBeLessThan(500)
    let depth = 0
    let n: Node | undefined = nodes[0]
    while (n && n.t === 'b') {
      depth++
      n = n.c.find((x) => x.t === 'b')
    }
    expect(depth).toBeLessThanOrEqual(25)
    expect(plainText(deep)).toContain('x')
  })

  test('huge input: linear time', () => {
    const cases = [
      '[code]'.repeat(40000),
      '[url]'.repeat(40000),
      '[b]'.repeat(40000),
      '[/b]'.repeat(40000),
      '['.repeat(200000),
      'http://a.b/' + ')'.repeat(100000),
      ('x'.repeat(100) + ' https://example.com/path?q=1 ').repeat(2000),
      '>>q\n'.repeat(30000),
      (QUOTE_LINE + '\n').repeat(3000),
      '[icon=https://a.b/c title=' + ' '.repeat(1990) + ']',
      '[size=' + '9'.repeat(1000) + ']x[/size]',
    ]
    for (const c of cases) {
      const t0 = performance.now()
      parse(c)
      plainText(c)
      // Quadratic behaviour would take minutes here; a loaded machine takes a second or two.
      expect(performance.now() - t0, c.slice(0, 20)).toBeLessThan(4000)
    }
  })

  test('script and HTML stay text', () => {
    expect(parse('<script>alert(1)</script><img src=x onerror=alert(1)>')).toEqual([
      text('<script>alert(1)</script><img src=x onerror=alert(1)>'),
    ])
  })
})

describe('plainText (§12.4)', () => {
  test('tags removed, text kept, strike dropped', () => {
    expect(plainText('[b]bold[/b] [s]gone[/s] [url=https://a.b]link[/url]\n[USER=5]Ann[/USER]')).toBe('bold link Ann')
    expect(plainText('[send=x]Yes[/send] [put=/s]Search[/put] [call=1]Call[/call] [chat=5]Room[/chat]')).toBe('Yes Search Call Room')
    expect(plainText('[size=20][color=#f00]Big red[/color][/size]')).toBe('Big red')
  })

  test('icons, quotes, attachments, ratings, files', () => {
    expect(plainText('[icon=https://a.b/i.png title=Smile] hi')).toBe('(Smile) hi')
    expect(plainText('[icon=https://a.b/i.png]')).toBe('(icon)')
    expect(plainText(`${QUOTE_LINE}\nA [1.1.2020]\nold\n${QUOTE_LINE}\nnew`)).toBe('[Quote] new')
    expect(plainText('see [ATTACH=1]')).toBe('see [Attachment]')
    expect(plainText('[RATING=4]')).toBe('[Rating]')
    expect(plainText('[DISK=3]')).toBe('[File]')
  })

  test('empty mentions take the user name', () => {
    expect(plainText('hi [USER=7][/USER]', { userName: (id) => `User ${id}` })).toBe('hi User 7')
  })

  test('unknown and unclosed tags stay as text', () => {
    expect(plainText('[b]unclosed [x]')).toBe('[b]unclosed [x]')
  })
})
