// Live updates: the sign-in's own broker account over the broker's WebSocket listener (docs/asyncapi.yaml).
//
// What peers got wrong and this avoids: a client id per tab (two tabs with one id keep kicking each other out),
// timers that keep working in a background tab (MQTT.js's worker timers), and no delta-only catch-up. Whenever the
// subscription takes (the first connect, and every one after a loss), every page re-reads what it shows over REST
// (onResync), so a reply that came before the subscription, or while the laptop slept, is never missed.
import type { MqttClient } from 'mqtt'
import { reactive } from 'vue'
import type { BrokerAccount } from '../api/session'

export interface LiveEvent {
  id: string
  type: string
  time: string
  data: Record<string, unknown>
  topic: string
}

type Listener = (event: LiveEvent) => void
type SnapshotListener = (snapshot: unknown) => void

export const live = reactive({
  connected: false,
  // True once the connection has been down for two seconds: the banner shows then, not at every blip.
  lost: false,
})

let client: MqttClient | null = null
let lostTimer: number | undefined
const listeners = new Set<Listener>()
const resyncs = new Set<() => void>()
// The operator events topic repeats what the interaction topic says; an event is handled once by its id.
const seen: string[] = []
// The statistics come as retained snapshots, not events: no envelope, no id, each one the whole state. The broker
// hands the retained one over at subscribe time, possibly before the page that shows it exists, so the latest of
// each topic is kept for whoever asks later.
const snapshotTopic = /^omnigate\/v1\/(stats\/.+|operators\/[^/]+\/stats)$/
const snapshots = new Map<string, Set<SnapshotListener>>()
const latest = new Map<string, unknown>()

export function onEvent(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

// `listener` gets the latest snapshot of `topic` at once when one came already, then each one as it comes.
export function onSnapshot(topic: string, listener: SnapshotListener): () => void {
  let set = snapshots.get(topic)
  if (!set) snapshots.set(topic, (set = new Set()))
  set.add(listener)
  if (latest.has(topic)) listener(latest.get(topic))
  return () => set.delete(listener)
}

export function onResync(callback: () => void): () => void {
  resyncs.add(callback)
  return () => resyncs.delete(callback)
}

function markDown() {
  live.connected = false
  if (lostTimer === undefined) lostTimer = window.setTimeout(() => (live.lost = true), 2000)
}

// MQTT.js is most of the console's script: loaded on the first connect, after the sign-in page showed.
let generation = 0

export async function connect(account: BrokerAccount | null) {
  disconnect()
  if (!account?.url) return
  const mine = ++generation
  const { default: mqtt } = await import('mqtt')
  // Signed out (or in as someone else) while the library loaded.
  if (mine !== generation) return
  client = mqtt.connect(account.url, {
    protocolVersion: 5,
    username: account.username,
    password: account.password,
    clientId: `${account.username}-${crypto.randomUUID().slice(0, 8)}`,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 5000,
    keepalive: 20,
    resubscribe: true,
  })
  markDown()
  client.on('connect', () => {
    window.clearTimeout(lostTimer)
    lostTimer = undefined
    live.connected = true
    live.lost = false
    // Once subscribed, every page reads again: events published before the subscription took (between a page's
    // first read and the first connect, or while the connection was down) reached nobody.
    client?.subscribe(account.topics, { qos: 1 }, (error) => {
      if (!error) resyncs.forEach((resync) => resync())
    })
  })
  client.on('close', markDown)
  client.on('offline', markDown)
  client.on('message', (topic, payload) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(new TextDecoder().decode(payload))
    } catch {
      return
    }
    if (snapshotTopic.test(topic)) {
      latest.set(topic, parsed)
      snapshots.get(topic)?.forEach((listener) => listener(parsed))
      return
    }
    // Retained snapshots of some other kind share the topics an account reads too; only events go to listeners.
    const envelope = parsed as Partial<LiveEvent> | null
    if (typeof envelope?.id !== 'string' || typeof envelope.type !== 'string') return
    const event = { ...envelope, topic } as LiveEvent
    if (seen.includes(event.id)) return
    seen.push(event.id)
    if (seen.length > 500) seen.shift()
    listeners.forEach((listener) => listener(event))
  })
}

export function disconnect() {
  ++generation
  window.clearTimeout(lostTimer)
  lostTimer = undefined
  client?.end(true)
  client = null
  // The next sign-in may be someone else, who must not see this one's figures.
  latest.clear()
  live.connected = false
  live.lost = false
}
