// The internal chat as served (docs/chat.md): the signed-in user's chats with their unread counts, kept here for the
// navigation's badge and the Chat page. Like every list of the console it is re-read rather than patched: at
// sign-in, after every reconnect and whenever the user's chat topic says something changed. A user with no broker
// account (a business administrator) has no topic to follow: the list is re-read every few seconds instead.
import { reactive } from 'vue'
import { api, session } from '../api/session'
import { onEvent, onResync } from '../live/bus'
import { coalesce } from '../live/coalesce'

export interface ChatPerson {
  login: string
  name: string
}
export interface ChatFile {
  file_id: string
  name: string
  mime_type: string
  size: number
}
export interface ChatMessage {
  id: number
  chat_id: number
  author: ChatPerson
  text: string
  attachments: ChatFile[]
  mentions: ChatPerson[]
  created_at: string
}
export interface Chat {
  id: number
  kind: 'general' | 'group'
  name: string
  created_by: string | null
  created_at: string
  member_count: number
  member: boolean
  last_read_message_id: number
  unread: number
  unread_mentions: number
  last_message: ChatMessage | null
}
export interface ChatMember extends ChatPerson {
  last_read_message_id: number
}
export interface ChatDetails extends Chat {
  members: ChatMember[]
}

export const chats = reactive({ topic: '', list: [] as Chat[] })

// Reads the chats now; throws what the API answered.
export async function readChats(): Promise<void> {
  const answer = await api<{ topic: string; chats: Chat[] }>('GET', '/api/v1/chats')
  chats.topic = answer.topic
  chats.list = answer.chats
}

// Reads them again after whatever changed, folded: the badge keeps what it had when a read fails.
export const refreshChats = coalesce(() => readChats().catch(() => undefined))

export function unreadTotal(): number {
  return chats.list.reduce((sum, chat) => sum + (chat.member ? chat.unread : 0), 0)
}

// How a chat message's time reads: the day and the time of day.
export const messageTime = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' } as const

let stops: Array<() => void> = []

export function followChats() {
  stopChats()
  void refreshChats()
  stops.push(
    onEvent((event) => {
      if (event.topic === chats.topic) void refreshChats()
    }),
    onResync(() => void refreshChats()),
  )
  if (!session.mqtt) {
    const timer = window.setInterval(() => void refreshChats(), 5000)
    stops.push(() => window.clearInterval(timer))
  }
}

export function stopChats() {
  stops.forEach((stop) => stop())
  stops = []
  chats.topic = ''
  chats.list = []
}
