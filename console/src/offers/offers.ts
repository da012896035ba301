// Marketing offers as the console shows and edits them (docs/offers.md): the API's shapes, and the marketer's form
// made the body the API takes. The form keeps lists as comma-separated text and client fields as "field = value"
// lines; the daemon checks every field and names the one it refuses. Campaigns' segments are these conditions too
// (docs/campaigns.md), so their form reads them with the helpers exported here.

export interface OfferConditions {
  client: Record<string, string>
  client_flags: string[]
  channels: string[]
  past_topics: number[]
  last_contact_days_max: number | null
  last_contact_days_min: number | null
}

export interface Offer {
  id: number
  title: string
  description: string
  text: string | null
  template_id: number | null
  conditions: OfferConditions
  valid_from: string | null
  valid_to: string | null
  priority: number
  client_limit: number | null
  retired: boolean
  state: 'active' | 'scheduled' | 'expired' | 'retired'
  version: number
}

export interface OfferCounts {
  shown: number
  sent: number
  activated: number
}

export interface OfferResults {
  offer_id: number
  title: string
  totals: OfferCounts
  rows: Array<OfferCounts & { operator_id: string; queue: string }>
}

export interface OfferForm {
  title: string
  description: string
  text: string
  templateId: string
  clientFields: string
  flags: string
  channels: string
  topics: string
  lastContactMax: string
  lastContactMin: string
  validFrom: string
  validTo: string
  priority: number
  clientLimit: string
}

export function emptyForm(): OfferForm {
  return {
    title: '', description: '', text: '', templateId: '', clientFields: '', flags: '', channels: '', topics: '',
    lastContactMax: '', lastContactMin: '', validFrom: '', validTo: '', priority: 0, clientLimit: '',
  }
}

export function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

// A number as typed, or null when empty; anything else goes as typed, for the daemon to refuse by name.
export function numberOrNull(text: string): number | string | null {
  const trimmed = String(text).trim()
  if (trimmed === '') return null
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed
}

// datetime-local is the browser's local time without a zone; the API wants one.
export function timeOrNull(local: string): string | null {
  return local ? new Date(local).toISOString() : null
}
export function localTime(iso: string | null): string {
  if (!iso) return ''
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

// The "field = value" lines of the form, and back.
export function clientConditions(lines: string): Record<string, string> {
  const client: Record<string, string> = {}
  for (const line of lines.split('\n')) {
    const at = line.indexOf('=')
    if (at > 0) client[line.slice(0, at).trim()] = line.slice(at + 1).trim()
  }
  return client
}
export function clientLines(client: Record<string, string>): string {
  return Object.entries(client).map(([k, v]) => `${k} = ${v}`).join('\n')
}

export function offerBody(form: OfferForm, change: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: form.title,
    description: form.description,
    conditions: {
      client: clientConditions(form.clientFields),
      client_flags: list(form.flags),
      channels: list(form.channels),
      past_topics: list(form.topics).map((s) => numberOrNull(s)),
      last_contact_days_max: numberOrNull(form.lastContactMax),
      last_contact_days_min: numberOrNull(form.lastContactMin),
    },
    valid_from: timeOrNull(form.validFrom),
    valid_to: timeOrNull(form.validTo),
    priority: form.priority,
    client_limit: numberOrNull(form.clientLimit),
  }
  // One of the two is sent; a change names the other null, so an offer can move from a text to a template.
  const templateId = numberOrNull(form.templateId)
  if (templateId !== null) {
    body.template_id = templateId
    if (change) body.text = null
  } else {
    body.text = form.text
    if (change) body.template_id = null
  }
  return body
}

export function formFromOffer(offer: Offer): OfferForm {
  const c = offer.conditions
  return {
    title: offer.title,
    description: offer.description,
    text: offer.text ?? '',
    templateId: offer.template_id === null ? '' : String(offer.template_id),
    clientFields: clientLines(c.client),
    flags: c.client_flags.join(', '),
    channels: c.channels.join(', '),
    topics: c.past_topics.join(', '),
    lastContactMax: c.last_contact_days_max === null ? '' : String(c.last_contact_days_max),
    lastContactMin: c.last_contact_days_min === null ? '' : String(c.last_contact_days_min),
    validFrom: localTime(offer.valid_from),
    validTo: localTime(offer.valid_to),
    priority: offer.priority,
    clientLimit: offer.client_limit === null ? '' : String(offer.client_limit),
  }
}
