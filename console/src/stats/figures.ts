// The online statistics as docs/statistics.md serves them, and how a figure reads on screen (docs/metrics.md says
// what each one means).
export type Level = 'normal' | 'warning' | 'critical'

export interface Figure {
  value: number | null
  level: Level | null
  target?: number | null
  meets_target?: boolean | null
}
export type Figures = Record<string, Figure | undefined>
export type StatusCounts = Partial<Record<string, number>>

export interface ChannelStats {
  channel: string
  figures: Figures
}
export interface QueueStats {
  id: string
  name: string
  day_from: string
  figures: Figures
  channels: ChannelStats[]
  operators: StatusCounts
}
export interface InWork {
  channel: string
  count: number
  capacity: number
}
export interface OperatorStats {
  id: string
  name: string
  status: string
  status_since: string
  break_reason: string | null
  in_work: InWork[]
  figures: Figures
}
export interface Board {
  as_of: string
  utc_offset: string
  // The totals add up the queues' figures as shown, each queue counting from its own day_from.
  totals: { figures: Figures; operators: StatusCounts }
  queues: QueueStats[]
  operators: OperatorStats[]
}
// One operator's own figures (GET /api/v1/stats/online/operators/{id}, omnigate/v1/operators/{id}/stats).
export interface OwnStats {
  as_of: string
  utc_offset: string
  operator: OperatorStats
}

export const queueFigures = [
  'waiting',
  'longest_wait_seconds',
  'offered',
  'answered',
  'abandoned',
  'short_abandoned',
  'transferred_out',
  'abandonment_rate_percent',
  'service_level_percent',
  'average_speed_of_answer_seconds',
  'handled',
  'average_handle_seconds',
  'average_rating',
] as const
// The first two are about now, the rest about the day: the tables head them apart.
export const nowFigures = 2
export const operatorFigures = [
  'handled',
  'average_handle_seconds',
  'first_response_seconds',
  'average_rating',
  'not_responding',
  'ready_share_percent',
  'occupancy_percent',
] as const
// What the operator sees of their own, beside their status: the figures of their work, not of their time.
export const ownFigures = operatorFigures.slice(0, 5)
export const statuses = ['ready', 'busy', 'wrap_up', 'break', 'not_responding', 'offline'] as const

// A snapshot replaces the one shown only when it is newer: the REST answer and the retained message race at open.
export function newer(next: { as_of: string }, shown: { as_of: string } | null): boolean {
  return !shown || Date.parse(next.as_of) >= Date.parse(shown.as_of)
}

export function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

// A figure's value as people read it: waits and averages of time as m:ss, percentages with their one decimal, a
// rating with two, counts as they are; in the reader's language (a decimal comma in Russian).
export function formatValue(key: string, value: number, locale: string): string {
  if (key.endsWith('_seconds')) return duration(value)
  if (key.endsWith('_percent')) {
    return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value)} %`
  }
  if (key === 'average_rating') {
    return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)
  }
  return new Intl.NumberFormat(locale).format(value)
}

// The centre's utc_offset (`+03:00`, `-05:30` or `Z`) in minutes.
export function offsetMinutes(offset: string): number {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset)
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0
}

// A UTC instant as the centre's wall clock, not the browser's.
export function centreClock(at: string, offset: string, seconds = false): string {
  const local = new Date(Date.parse(at) + offsetMinutes(offset) * 60000)
  const hm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`
  return seconds ? `${hm}:${String(local.getUTCSeconds()).padStart(2, '0')}` : hm
}
