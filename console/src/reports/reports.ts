// The reports as docs/reports.md serves them, and how their cells read on screen. What the console shows is driven by
// the daemon's list (GET /api/v1/reports): a report it does not know yet shows under the daemon's title, with its
// filters, and its columns under the titles the answer gives.
import { duration, offsetMinutes } from '../stats/figures'

export interface ReportInfo {
  name: string
  title: string
  filters: string[]
  intervals: boolean
}
export interface ReportList {
  utc_offset: string
  max_days: number
  reports: ReportInfo[]
}
export interface ReportColumn {
  key: string
  title: string
  // The spreadsheet's number format ("0.0", "0.00"); empty for text and counts.
  format: string
}
export type Cell = number | string | null
export type ReportRow = Record<string, Cell>
export interface ReportAnswer {
  report: string
  title: string
  period: { from: string; to: string; utc_offset: string }
  interval_minutes?: number
  columns: ReportColumn[]
  chart: string[]
  rows: ReportRow[]
  totals: ReportRow | null
}

export const intervals = [15, 30, 60] as const
// The channel types omnigate has plugins for: the values of a report's channel filter.
export const channels = ['webchat', 'email', 'vk', 'whatsapp', 'voice'] as const
export const periods = ['today', 'yesterday', 'week', 'month'] as const
export type Period = (typeof periods)[number]

function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}

// Today at the centre (its utc_offset), which is the day the reports count in, whatever the browser's zone.
export function centreToday(offset: string, now = Date.now()): string {
  return day(new Date(now + offsetMinutes(offset) * 60000))
}

// A quick choice as local days, both included; a week starts on Monday.
export function periodOf(period: Period, today: string): { from: string; to: string } {
  const date = new Date(`${today}T00:00:00Z`)
  const shifted = (days: number) => day(new Date(date.getTime() - days * 86400000))
  switch (period) {
    case 'today':
      return { from: today, to: today }
    case 'yesterday':
      return { from: shifted(1), to: shifted(1) }
    case 'week':
      return { from: shifted((date.getUTCDay() + 6) % 7), to: today }
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today }
  }
}

function isDuration(key: string): boolean {
  return key === 'seconds' || key.endsWith('_seconds')
}

// A cell as people read it: times as m:ss or h:mm:ss, percentages and averages with the decimals of their format,
// counts grouped, all in the reader's language; nothing to compute it from is "—". The first column says what the
// row is of (a topic's id, a rating), so it is shown as it came, never as an amount.
export function formatCell(column: ReportColumn, value: Cell, locale: string, first = false): string {
  if (value === null || value === '') return '—'
  if (typeof value === 'string' || first) return String(value)
  if (isDuration(column.key)) return duration(value)
  const decimals = /^0\.(0+)$/.exec(column.format)?.[1].length ?? 0
  const text = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value)
  return column.key.endsWith('_percent') ? `${text} %` : text
}

// The query of a report's answer, in any of its formats: only what the report takes is sent.
export function reportPath(
  report: ReportInfo,
  form: { from: string; to: string; interval: number; filters: Record<string, string[]> },
  format: 'json' | 'csv' | 'xlsx',
): string {
  const query = new URLSearchParams({ from: form.from, to: form.to })
  if (report.intervals) query.set('interval', String(form.interval))
  for (const filter of report.filters) {
    const values = form.filters[filter] ?? []
    if (values.length > 0) query.set(filter, values.join(','))
  }
  if (format !== 'json') query.set('format', format)
  return `/api/v1/reports/${encodeURIComponent(report.name)}?${query}`
}
