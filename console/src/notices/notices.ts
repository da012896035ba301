// The notices to operators as served (docs/notifications.md): what is sent, what an operator receives, and where the
// daemon says that one came, was read or was withdrawn.
export const importances = ['normal', 'important', 'urgent'] as const
export type Importance = (typeof importances)[number]
export const audiences = ['all', 'group', 'operator'] as const
export type Audience = (typeof audiences)[number]

export interface Notice {
  id: number
  audience: Audience
  audience_id: string | null
  text: string
  importance: Importance
  author: string
  created_at: string
  expires_at: string | null
}
export interface SentNotice extends Notice {
  recipients: number
  read: number
}
export interface ReceivedNotice extends Notice {
  read_at: string | null
}

// How the notices' times read: the day and the time of day.
export const noticeTime = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' } as const

export function noticesTopic(operatorId: string): string {
  return `omnigate/v1/operators/${operatorId}/notifications`
}
