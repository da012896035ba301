// Outbound campaigns as the console shows and edits them (docs/campaigns.md): the API's shapes, and the marketer's
// form made the body the API takes. As on the Offers page, the form keeps lists as comma-separated text and the
// segment's client fields as "field = value" lines; the daemon checks every field and names the one it refuses.
import { clientConditions, clientLines, list, localTime, numberOrNull, timeOrNull } from '../offers/offers'

export const channels = ['whatsapp', 'email', 'vk'] as const
export type Channel = (typeof channels)[number]
export type CampaignState = 'draft' | 'running' | 'paused' | 'cancelled' | 'finished'
export type TimeZone = 'centre' | 'client'

// The offers' conditions on the client, without the interaction's channel: a campaign has its own.
export interface CampaignSegment {
  client?: Record<string, string>
  client_flags?: string[]
  past_topics?: number[]
  last_contact_days_max?: number | null
  last_contact_days_min?: number | null
}

export interface CampaignMessage {
  text?: string | null
  template_id?: number | null
  subject?: string | null
  whatsapp_template?: { name: string; language: string; parameters: string[] } | null
}

export interface CampaignSchedule {
  starts_at?: string | null
  ends_at?: string | null
  allowed_hours?: { utc_offset?: string; days: number[]; from: string; to: string; holidays?: string[] } | null
  time_zone?: TimeZone
}

// The totals in the order the results show them.
export const totalKeys = [
  'targeted', 'pending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'replied', 'opted_out', 'offers_activated',
] as const
// The ones the list has room for.
export const listTotalKeys = ['targeted', 'sent', 'delivered', 'read', 'failed', 'replied', 'opted_out'] as const
export type TotalKey = (typeof totalKeys)[number]

export interface CampaignFailure {
  error_code: string
  error_text: string
  count: number
}

export type CampaignResults = Record<TotalKey, number> & { failures: CampaignFailure[] }

export interface Campaign {
  id: number
  name: string
  description: string
  channel: Channel
  account: string
  segment: CampaignSegment | null
  message: CampaignMessage
  schedule: CampaignSchedule | null
  rate_per_minute: number
  state: CampaignState
  // What a running campaign does now; a campaign that is not running has none.
  phase: 'scheduled' | 'preparing' | 'sending' | 'waiting' | null
  targeted: number
  results: CampaignResults
  version: number
  created_by: string
  created_at: string
  updated_at: string
  launched_at: string | null
  finished_at: string | null
}

export interface CampaignForm {
  name: string
  description: string
  channel: Channel
  account: string
  clientFields: string
  flags: string
  topics: string
  lastContactMax: string
  lastContactMin: string
  text: string
  templateId: string
  subject: string
  whatsappName: string
  whatsappLanguage: string
  whatsappParameters: string
  startsAt: string
  endsAt: string
  hoursFrom: string
  hoursTo: string
  hoursDays: string
  hoursHolidays: string
  utcOffset: string
  timeZone: TimeZone
  ratePerMinute: string
}

export function emptyForm(): CampaignForm {
  return {
    name: '', description: '', channel: 'email', account: '', clientFields: '', flags: '', topics: '',
    lastContactMax: '', lastContactMin: '', text: '', templateId: '', subject: '', whatsappName: '',
    whatsappLanguage: '', whatsappParameters: '', startsAt: '', endsAt: '', hoursFrom: '', hoursTo: '',
    hoursDays: '1, 2, 3, 4, 5, 6, 7', hoursHolidays: '', utcOffset: '', timeZone: 'centre', ratePerMinute: '60',
  }
}

// Only the conditions filled in: a segment with none is every client the channel reaches.
export function segmentBody(form: CampaignForm): CampaignSegment {
  const segment: Record<string, unknown> = {}
  const client = clientConditions(form.clientFields)
  if (Object.keys(client).length) segment.client = client
  if (list(form.flags).length) segment.client_flags = list(form.flags)
  if (list(form.topics).length) segment.past_topics = list(form.topics).map((s) => numberOrNull(s))
  const max = numberOrNull(form.lastContactMax)
  if (max !== null) segment.last_contact_days_max = max
  const min = numberOrNull(form.lastContactMin)
  if (min !== null) segment.last_contact_days_min = min
  return segment as CampaignSegment
}

// The question POST /api/v1/campaigns/audience answers with {count}.
export function audienceBody(form: CampaignForm): Record<string, unknown> {
  return { channel: form.channel, account: form.account, segment: segmentBody(form) }
}

function messageBody(form: CampaignForm): Record<string, unknown> {
  const message: Record<string, unknown> = {}
  // A shared template or a text; neither leaves the daemon to say what the channel needs.
  const templateId = numberOrNull(form.templateId)
  if (templateId !== null) message.template_id = templateId
  else if (form.text.trim() !== '') message.text = form.text
  if (form.channel === 'email') message.subject = form.subject
  if (form.channel === 'whatsapp') {
    message.whatsapp_template = {
      name: form.whatsappName.trim(),
      language: form.whatsappLanguage.trim(),
      parameters: list(form.whatsappParameters),
    }
  }
  return message
}

function scheduleBody(form: CampaignForm): Record<string, unknown> {
  const schedule: Record<string, unknown> = { time_zone: form.timeZone }
  const startsAt = timeOrNull(form.startsAt)
  if (startsAt) schedule.starts_at = startsAt
  const endsAt = timeOrNull(form.endsAt)
  if (endsAt) schedule.ends_at = endsAt
  // Allowed hours are a window: either end given sends both, so a missing one is refused by name, not dropped.
  if (form.hoursFrom || form.hoursTo) {
    const hours: Record<string, unknown> = {
      from: form.hoursFrom,
      to: form.hoursTo,
      days: list(form.hoursDays).map((s) => numberOrNull(s)),
    }
    if (list(form.hoursHolidays).length) hours.holidays = list(form.hoursHolidays)
    // None: the centre's offset (stats.utc_offset).
    if (form.utcOffset.trim() !== '') hours.utc_offset = form.utcOffset.trim()
    schedule.allowed_hours = hours
  }
  return schedule
}

export function campaignBody(form: CampaignForm): Record<string, unknown> {
  return {
    name: form.name,
    description: form.description,
    channel: form.channel,
    account: form.account.trim(),
    segment: segmentBody(form),
    message: messageBody(form),
    schedule: scheduleBody(form),
    rate_per_minute: numberOrNull(form.ratePerMinute),
  }
}

export function formFromCampaign(campaign: Campaign): CampaignForm {
  const segment = campaign.segment ?? {}
  const message = campaign.message
  const schedule = campaign.schedule ?? {}
  const hours = schedule.allowed_hours
  return {
    ...emptyForm(),
    name: campaign.name,
    description: campaign.description,
    channel: campaign.channel,
    account: campaign.account,
    clientFields: clientLines(segment.client ?? {}),
    flags: (segment.client_flags ?? []).join(', '),
    topics: (segment.past_topics ?? []).join(', '),
    lastContactMax: segment.last_contact_days_max == null ? '' : String(segment.last_contact_days_max),
    lastContactMin: segment.last_contact_days_min == null ? '' : String(segment.last_contact_days_min),
    text: message.text ?? '',
    templateId: message.template_id == null ? '' : String(message.template_id),
    subject: message.subject ?? '',
    whatsappName: message.whatsapp_template?.name ?? '',
    whatsappLanguage: message.whatsapp_template?.language ?? '',
    whatsappParameters: (message.whatsapp_template?.parameters ?? []).join(', '),
    startsAt: localTime(schedule.starts_at ?? null),
    endsAt: localTime(schedule.ends_at ?? null),
    ...(hours
      ? {
          hoursFrom: hours.from,
          hoursTo: hours.to,
          hoursDays: hours.days.join(', '),
          hoursHolidays: (hours.holidays ?? []).join(', '),
          utcOffset: hours.utc_offset ?? '',
        }
      : {}),
    timeZone: schedule.time_zone ?? 'centre',
    ratePerMinute: String(campaign.rate_per_minute),
  }
}
