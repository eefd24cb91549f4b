// Dates as a messenger shows them: the time for today, the weekday within a week, else the date.
// The formatters are made once: Date#toLocale*String with options builds a new Intl formatter on
// every call, which cost more than rendering the rest of a message (about 0.5 ms each).
const time = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' })
const weekday = new Intl.DateTimeFormat([], { weekday: 'short' })
const dayMonth = new Intl.DateTimeFormat([], { day: 'numeric', month: 'short' })
const dayMonthYear = new Intl.DateTimeFormat([], { day: 'numeric', month: 'short', year: 'numeric' })

export function shortDate(iso: string, now = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const days = (now.getTime() - d.getTime()) / 86_400_000
  if (d.toDateString() === now.toDateString()) return time.format(d)
  if (days < 6) return weekday.format(d)
  return (d.getFullYear() === now.getFullYear() ? dayMonth : dayMonthYear).format(d)
}

export function timeOf(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : time.format(d)
}
