// The wire format of protocol-frame.md §1–§2 and §7, as B24Frame (SDK 2.2) and the legacy chat-app
// sample produce it.
import { describe, expect, it } from 'vitest'
import { frameName, newAppSid, originOf, parseChatAppMessage, parseFrameMessage, replyMessage, withQuery } from './protocol'
import { matchCommands, typedCommand } from './commands'
import { applyInsert } from '../state/composer'

describe('frame name and first load', () => {
  it('names the frame host[:port]|https|APP_SID', () => {
    expect(frameName('127.0.0.1:8080', false, 'abc')).toBe('127.0.0.1:8080|0|abc')
    expect(frameName('im.example.com', true, 'abc')).toBe('im.example.com|1|abc')
  })
  it('makes a 32-hex APP_SID, new each time', () => {
    const a = newAppSid()
    expect(a).toMatch(/^[0-9a-f]{32}$/)
    expect(newAppSid()).not.toBe(a)
  })
  it('appends the query with ? or &', () => {
    expect(withQuery('https://a.example/h.php', { DOMAIN: 'x:1', APP_SID: 's' })).toBe('https://a.example/h.php?DOMAIN=x%3A1&APP_SID=s')
    expect(withQuery('https://a.example/h.php?x=1', { A: 'b' })).toBe('https://a.example/h.php?x=1&A=b')
    expect(withQuery('https://a.example/h.php?', { A: 'b' })).toBe('https://a.example/h.php?A=b')
    expect(withQuery('https://a.example/h.php#top', { A: 'b' })).toBe('https://a.example/h.php?A=b#top')
  })
  it('takes the origin of http(s) handlers only', () => {
    expect(originOf('http://127.0.0.1:5000/app/?x')).toBe('http://127.0.0.1:5000')
    expect(originOf('javascript:alert(1)')).toBe('')
    expect(originOf('not a url')).toBe('')
  })
})

describe('messages from the frame (§2.2)', () => {
  it('parses command:callback:appSid (no params)', () => {
    expect(parseFrameMessage('getInitData:k1:sid')).toEqual({ method: 'getInitData', params: null, callback: 'k1', appSid: 'sid' })
  })
  it('parses params JSON holding colons', () => {
    const m = parseFrameMessage('openPath:{"path":"/crm/lead/details/1/","x":"a:b:c"}:k2:sid')
    expect(m).toEqual({ method: 'openPath', params: { path: '/crm/lead/details/1/', x: 'a:b:c' }, callback: 'k2', appSid: 'sid' })
  })
  it('keeps a raw (non-JSON) value as a string', () => {
    expect(parseFrameMessage('setValue:plain text:k3:sid')?.params).toBe('plain text')
  })
  it('parses the object form of im:* commands', () => {
    const m = parseFrameMessage({ method: 'im:setImTextareaContent', params: { text: 'hi', replace: true }, callback: 'k4', appSid: 'sid', requestId: 'r1' })
    expect(m).toEqual({ method: 'im:setImTextareaContent', params: { text: 'hi', replace: true }, callback: 'k4', appSid: 'sid', requestId: 'r1' })
    expect(parseFrameMessage({ method: 'im:getImTextareaContent', params: '', callback: 'k5', appSid: 'sid' })?.params).toBeNull()
  })
  it('ignores what is not a protocol message', () => {
    expect(parseFrameMessage('')).toBeNull()
    expect(parseFrameMessage('nocolon')).toBeNull()
    expect(parseFrameMessage({ foo: 1 })).toBeNull()
    expect(parseFrameMessage(42)).toBeNull()
  })
  it('replies callback:JSON, empty for undefined', () => {
    expect(replyMessage('k1', { a: 1 })).toBe('k1:{"a":1}')
    expect(replyMessage('k1', undefined)).toBe('k1:')
    expect(replyMessage('k1', 'text')).toBe('k1:"text"')
  })
})

describe('legacy chat apps (§7.5)', () => {
  it('reads the JSON actions', () => {
    expect(parseChatAppMessage('{"action":"put","message":"/echo hi","uniqueLoadId":"u"}')).toEqual({ action: 'put', message: '/echo hi', uniqueLoadId: 'u' })
    expect(parseChatAppMessage('not json')).toBeNull()
    expect(parseChatAppMessage('{"x":1}')).toBeNull()
  })
})

describe('composer helpers', () => {
  it('finds the command being typed', () => {
    expect(typedCommand('/')).toBe('')
    expect(typedCommand('/ec')).toBe('ec')
    expect(typedCommand('/echo hi')).toBeNull()
    expect(typedCommand('hello /echo')).toBeNull()
  })
  it('matches commands by prefix, each name once', () => {
    const list = [
      { id: 1, bot_id: 5, command: 'echo', title: '', params: '', common: false },
      { id: 2, bot_id: 6, command: 'Echo2', title: '', params: '', common: true },
      { id: 3, bot_id: 7, command: 'echo', title: '', params: '', common: false },
      { id: 4, bot_id: 7, command: 'help', title: '', params: '', common: false },
    ]
    expect(matchCommands(list, 'ec').map((c) => c.id)).toEqual([1, 2])
    expect(matchCommands(list, '').map((c) => c.id)).toEqual([1, 2, 4])
  })
  it('inserts text as apps ask (replace, new line)', () => {
    expect(applyInsert('', { text: 'a' })).toBe('a')
    expect(applyInsert('x', { text: 'a' })).toBe('x a')
    expect(applyInsert('x ', { text: 'a' })).toBe('x a')
    expect(applyInsert('x', { text: 'a', newLine: true })).toBe('x\na')
    expect(applyInsert('x', { text: 'a', replace: true })).toBe('a')
  })
})
