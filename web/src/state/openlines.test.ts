import { describe, expect, it } from 'vitest'
import { actionsFor, finishMethod, groupOf, groupSessions, statusName, type LinesSession } from './openlines'

const ME = 7

function s(id: number, change: Partial<LinesSession> = {}): LinesSession {
  return {
    session_id: id,
    chat_id: 100 + id,
    dialog_id: `chat${100 + id}`,
    title: `Client ${id} - Support`,
    line_id: 1,
    line_name: 'Support',
    status: 0,
    operator_id: 0,
    answered: false,
    member: false,
    pinned: false,
    silent: false,
    mode: 'input',
    client_id: 50 + id,
    connector: 'testconn',
    user_code: `testconn|1|c${id}|u${id}`,
    session_ids: [id],
    date_create: '2026-12-05T10:00:00+00:00',
    date_modify: '2026-12-05T10:00:00+00:00',
    ...change,
  }
}

describe('the Open Channels groups', () => {
  it('waiting: offered to me (I am in the chat) and not answered, whether to me alone or to everyone', () => {
    expect(groupOf(s(1, { member: true, operator_id: ME }), ME)).toBe('waiting')
    expect(groupOf(s(2, { member: true, operator_id: 0 }), ME)).toBe('waiting')
  })

  it('active: answered by me, or answered and I joined', () => {
    expect(groupOf(s(1, { answered: true, member: true, operator_id: ME, status: 40 }), ME)).toBe('active')
    expect(groupOf(s(2, { answered: true, member: true, operator_id: 8, status: 20 }), ME)).toBe('active')
  })

  it("others: sessions of my lines I am not in (a colleague's, or waiting for someone else)", () => {
    expect(groupOf(s(1, { answered: true, operator_id: 8 }), ME)).toBe('others')
    expect(groupOf(s(2, { operator_id: 8 }), ME)).toBe('others')
  })

  it('orders waiting sessions oldest first and the rest by their last change', () => {
    const g = groupSessions(
      [
        s(3, { member: true }),
        s(1, { member: true }),
        s(4, { answered: true, member: true, operator_id: ME, date_modify: '2026-12-05T10:00:00+00:00' }),
        s(5, { answered: true, member: true, operator_id: ME, date_modify: '2026-12-05T11:00:00+00:00' }),
        s(6, { answered: true, operator_id: 9 }),
      ],
      ME,
    )
    expect(g.waiting.map((x) => x.session_id)).toEqual([1, 3])
    expect(g.active.map((x) => x.session_id)).toEqual([5, 4])
    expect(g.others.map((x) => x.session_id)).toEqual([6])
  })
})

describe('the session bar buttons', () => {
  const shown = (a: ReturnType<typeof actionsFor>) =>
    Object.entries(a)
      .filter(([, on]) => on)
      .map(([k]) => k)
      .sort()

  it('offered to me: answer, skip, transfer, silent mode', () => {
    expect(shown(actionsFor(s(1, { member: true, operator_id: ME }), ME, false))).toEqual(
      ['answer', 'silent', 'skip', 'spam', 'transfer'].sort(),
    )
  })

  it('mine: transfer, finish, spam, pin, silent mode — no answer, skip or intercept', () => {
    const a = actionsFor(s(1, { answered: true, member: true, operator_id: ME, status: 40 }), ME, false)
    expect(shown(a)).toEqual(['finish', 'pin', 'silent', 'spam', 'transfer'])
  })

  it("a colleague's: intercept or join; an administrator may also finish it or mark it spam", () => {
    const theirs = s(1, { answered: true, operator_id: 8, status: 40 })
    expect(shown(actionsFor(theirs, ME, false))).toEqual(['intercept', 'join'])
    expect(shown(actionsFor(theirs, ME, true))).toEqual(['finish', 'intercept', 'join', 'spam'])
    expect(finishMethod(theirs, ME)).toBe('imopenlines.operator.another.finish')
    expect(finishMethod(s(2, { operator_id: ME }), ME)).toBe('imopenlines.operator.finish')
  })

  it('waiting for a colleague: anyone of the line may answer it, but not skip it', () => {
    expect(shown(actionsFor(s(1, { operator_id: 8 }), ME, false))).toEqual(['answer'])
  })

  it('no open session: only a new one may be started', () => {
    expect(shown(actionsFor(undefined, ME, false))).toEqual(['start'])
  })

  it('names the platform status codes', () => {
    expect(statusName(0)).toBe('New')
    expect(statusName(40)).toBe('Operator replied')
    expect(statusName(99)).toBe('Status 99')
  })
})

describe('quick answers in the composer', async () => {
  const { typedQuickSearch, answerPreview } = await import('./quickAnswers')
  it('searches what follows a leading "/" on one line', () => {
    expect(typedQuickSearch('/')).toBe('')
    expect(typedQuickSearch('/opening hours ')).toBe('opening hours')
    expect(typedQuickSearch('hello /x')).toBeNull()
    expect(typedQuickSearch('/a\nb')).toBeNull()
  })
  it('previews an answer on one line', () => {
    expect(answerPreview('a\n\n b')).toBe('a b')
    expect(answerPreview('x'.repeat(100), 10)).toBe('xxxxxxxxx…')
  })
})
