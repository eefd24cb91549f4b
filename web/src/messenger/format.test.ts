import { describe, expect, it } from 'vitest'
import { shortDate, timeOf } from './format'

describe('message dates', () => {
  const now = new Date(2026, 11, 5, 18, 0)
  it('shows the time for today, the weekday within a week, the date before, the year when not this one', () => {
    expect(shortDate(new Date(2026, 11, 5, 9, 7).toISOString(), now)).toBe(
      new Date(2026, 11, 5, 9, 7).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    )
    expect(shortDate(new Date(2026, 11, 3, 9, 7).toISOString(), now)).toBe(
      new Date(2026, 11, 3).toLocaleDateString([], { weekday: 'short' }),
    )
    expect(shortDate(new Date(2026, 9, 1).toISOString(), now)).toBe(
      new Date(2026, 9, 1).toLocaleDateString([], { day: 'numeric', month: 'short' }),
    )
    expect(shortDate(new Date(2024, 9, 1).toISOString(), now)).toBe(
      new Date(2024, 9, 1).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' }),
    )
  })
  it('gives nothing for a date it cannot read', () => {
    expect(shortDate('not a date', now)).toBe('')
    expect(timeOf('')).toBe('')
  })
})
