// The chat widget for a client's site: one script, no dependencies, embedded with
//   <script src="https://omnigate.example/console/chat-widget.js" data-account="demo" defer></script>
// It opens a web chat session (docs/channels/webchat.md), sends what the visitor writes, shows the operator's answers
// as they come over the WebSocket and the rating form when the interaction closes. Everything lives in a shadow
// root, so the site's styles and the widget's never meet.
//
// Nothing typed is lost: a message is shown as "sending" until omnigate stored it, and resent with the same
// client_message_id (which makes a resend harmless) until it is; the session survives a reload (localStorage), and
// after every reconnect the conversation is read again, so an answer given meanwhile is never missed.

interface Message {
  id: number
  direction: 'in' | 'out'
  author: string
  text: string
  created_at: string
  attachments?: Array<{ name: string }>
}

interface Session {
  token: string
  expires_at: string
}

const texts = {
  en: {
    open: 'Chat with us',
    title: 'Chat',
    placeholder: 'Your message…',
    send: 'Send',
    sending: 'sending…',
    offline: 'Reconnecting…',
    rate: 'How did we do?',
    thanks: 'Thank you for your rating!',
    failed: 'omnigate does not answer; your message will be sent as soon as it does.',
    file: 'File',
  },
  ru: {
    open: 'Напишите нам',
    title: 'Чат',
    placeholder: 'Ваше сообщение…',
    send: 'Отправить',
    sending: 'отправляется…',
    offline: 'Переподключаемся…',
    rate: 'Оцените, пожалуйста, наш ответ',
    thanks: 'Спасибо за оценку!',
    failed: 'omnigate не отвечает; сообщение уйдёт, как только связь появится.',
    file: 'Файл',
  },
}

const styles = `
:host { all: initial; font: 14px/1.4 system-ui, sans-serif; color: #1d2330; }
[hidden] { display: none !important; }
.launcher { position: fixed; right: 20px; bottom: 20px; border: 0; border-radius: 24px; padding: 12px 18px;
  background: #1f6feb; color: #fff; font: inherit; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.2); }
.panel { position: fixed; right: 20px; bottom: 20px; width: 340px; height: 460px; display: flex;
  flex-direction: column; background: #fff; border: 1px solid #d9dee7; border-radius: 10px;
  box-shadow: 0 8px 28px rgba(0,0,0,.2); overflow: hidden; }
.head { display: flex; justify-content: space-between; align-items: center; padding: 10px 14px;
  background: #1f6feb; color: #fff; font-weight: 600; }
.head button { background: none; border: 0; color: #fff; font-size: 18px; cursor: pointer; }
.status { padding: 4px 14px; background: #fff4d6; font-size: 12px; }
.log { flex: 1; overflow-y: auto; padding: 10px; display: flex; flex-direction: column; gap: 6px; margin: 0;
  list-style: none; background: #f5f7fa; }
.msg { max-width: 80%; padding: 6px 10px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.in { align-self: flex-end; background: #1f6feb; color: #fff; }
.msg.out { align-self: flex-start; background: #fff; border: 1px solid #d9dee7; }
.msg.pending { opacity: .6; }
.msg small { display: block; font-size: 11px; opacity: .8; }
.rating { padding: 8px 14px; border-top: 1px solid #d9dee7; }
.rating button { margin-right: 4px; width: 32px; height: 32px; border: 1px solid #d9dee7; border-radius: 6px;
  background: #fff; cursor: pointer; font: inherit; }
form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #d9dee7; }
textarea { flex: 1; resize: none; font: inherit; padding: 6px; border: 1px solid #d9dee7; border-radius: 6px; }
form button { border: 0; border-radius: 6px; background: #1f6feb; color: #fff; padding: 0 12px; font: inherit;
  cursor: pointer; }
`

type Texts = (typeof texts)['en']

function language(): Texts {
  for (const wanted of navigator.languages ?? [navigator.language]) {
    if (wanted.toLowerCase().startsWith('ru')) return texts.ru
    if (wanted.toLowerCase().startsWith('en')) return texts.en
  }
  return texts.ru
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text) node.textContent = text
  return node
}

class ChatWidget {
  private readonly t = language()
  private readonly storageKey: string
  private session: Session | null = null
  private socket: WebSocket | null = null
  private reconnectDelay = 1000
  private messages: Message[] = []
  // Sent but not yet stored: shown greyed, resent until omnigate answers.
  private pending: Array<{ id: string; text: string }> = []
  private readonly root: ShadowRoot
  private readonly panel = element('div', 'panel')
  private readonly log = element('ol', 'log')
  private readonly status = element('div', 'status')
  private readonly rating = element('div', 'rating')
  private readonly input = element('textarea')

  constructor(
    private readonly base: string,
    private readonly account: string,
    private readonly name: string,
  ) {
    this.storageKey = `omnigate.chat.${account}`
    const host = element('div')
    host.setAttribute('data-omnigate-chat', account)
    document.body.appendChild(host)
    this.root = host.attachShadow({ mode: 'open' })
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(styles)
    this.root.adoptedStyleSheets = [sheet]
    this.build()
  }

  private build() {
    const launcher = element('button', 'launcher', this.t.open)
    launcher.type = 'button'
    const head = element('div', 'head', this.t.title)
    const close = element('button', '', '×')
    close.type = 'button'
    close.setAttribute('aria-label', 'close')
    head.appendChild(close)
    const form = element('form')
    this.input.rows = 2
    this.input.placeholder = this.t.placeholder
    this.input.maxLength = 4000
    const send = element('button', '', this.t.send)
    send.type = 'submit'
    form.append(this.input, send)
    this.status.hidden = true
    this.rating.hidden = true
    this.panel.append(head, this.status, this.log, this.rating, form)
    this.panel.hidden = true
    this.root.append(launcher, this.panel)

    launcher.addEventListener('click', () => {
      launcher.hidden = true
      this.panel.hidden = false
      this.input.focus()
      void this.start()
    })
    close.addEventListener('click', () => {
      this.panel.hidden = true
      launcher.hidden = false
    })
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.send()
    })
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault()
        this.send()
      }
    })
    // A returning visitor's conversation opens where it was.
    if (localStorage.getItem(this.storageKey)) launcher.click()
  }

  private url(path: string) {
    return `${this.base}/api/v1/webchat/${encodeURIComponent(this.account)}${path}`
  }

  private async start() {
    if (this.session) return
    const stored = localStorage.getItem(this.storageKey)
    if (stored) {
      const session = JSON.parse(stored) as Session
      if (Date.parse(session.expires_at) > Date.now() + 60_000) this.session = session
    }
    if (!this.session) {
      const response = await fetch(this.url('/sessions'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(this.name ? { name: this.name } : {}),
      })
      if (!response.ok) {
        this.showStatus(this.t.failed)
        return
      }
      this.session = (await response.json()) as Session
      localStorage.setItem(this.storageKey, JSON.stringify(this.session))
    }
    this.connect()
  }

  private connect() {
    if (!this.session) return
    const ws = this.base.replace(/^http/, 'ws')
    const socket = new WebSocket(`${ws}/api/v1/webchat/${encodeURIComponent(this.account)}/ws?token=${this.session.token}`)
    this.socket = socket
    socket.addEventListener('open', () => {
      this.reconnectDelay = 1000
      this.showStatus('')
      void this.readHistory()
      this.flush()
    })
    socket.addEventListener('message', (event) => {
      const frame = JSON.parse(String(event.data))
      if (frame.type === 'message') this.add(frame.message as Message)
      if (frame.type === 'interaction' && frame.interaction.rating_requested) this.askRating(frame.interaction.id)
    })
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return
      this.showStatus(this.t.offline)
      window.setTimeout(() => this.connect(), this.reconnectDelay)
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, 30_000)
    })
  }

  private async readHistory() {
    const response = await fetch(this.url('/messages'), {
      headers: { Authorization: `Bearer ${this.session?.token}` },
    })
    if (!response.ok) return
    const answer = (await response.json()) as { messages: Message[] }
    this.messages = answer.messages
    this.render()
  }

  private add(message: Message) {
    if (this.messages.some((m) => m.id === message.id)) return
    this.messages.push(message)
    this.render()
  }

  private send() {
    const text = this.input.value.trim()
    if (!text) return
    this.input.value = ''
    this.pending.push({ id: crypto.randomUUID(), text })
    this.render()
    this.flush()
  }

  // Sends what is pending, oldest first; a failure keeps it for the next try (a reconnect, or in a few seconds).
  private flushing = false
  private async flush() {
    if (this.flushing || !this.session) return
    this.flushing = true
    try {
      while (this.pending.length > 0) {
        const next = this.pending[0]
        let response: Response
        try {
          response = await fetch(this.url('/messages'), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.session.token}` },
            body: JSON.stringify({ text: next.text, client_message_id: next.id }),
          })
        } catch {
          this.showStatus(this.t.failed)
          window.setTimeout(() => void this.flush(), 3000)
          return
        }
        if (response.status >= 500 || response.status === 429) {
          window.setTimeout(() => void this.flush(), 3000)
          return
        }
        this.pending.shift()
        if (response.ok) this.add((await response.json()) as Message)
        else this.render()
      }
    } finally {
      this.flushing = false
    }
  }

  private askRating(interactionId: number) {
    this.rating.replaceChildren(element('div', '', this.t.rate))
    for (let score = 1; score <= 5; ++score) {
      const button = element('button', '', String(score))
      button.type = 'button'
      button.addEventListener('click', async () => {
        await fetch(this.url('/rating'), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.session?.token}` },
          body: JSON.stringify({ rating: score, interaction_id: interactionId }),
        })
        this.rating.replaceChildren(element('div', '', this.t.thanks))
      })
      this.rating.appendChild(button)
    }
    this.rating.hidden = false
  }

  private showStatus(text: string) {
    this.status.textContent = text
    this.status.hidden = !text
  }

  private render() {
    const items = this.messages.map((m) => {
      const item = element('li', `msg ${m.direction}`, m.text)
      item.setAttribute('data-message-id', String(m.id))
      for (const a of m.attachments ?? []) item.appendChild(element('small', '', `${this.t.file}: ${a.name}`))
      return item
    })
    for (const p of this.pending) {
      const item = element('li', 'msg in pending', p.text)
      item.appendChild(element('small', '', this.t.sending))
      items.push(item)
    }
    this.log.replaceChildren(...items)
    this.log.scrollTop = this.log.scrollHeight
  }
}

// The script's own address says where omnigate is; its data-* attributes which account and, optionally, the
// visitor's name as the site knows it.
const script = document.currentScript as HTMLScriptElement | null
if (script?.dataset.account) {
  const base = new URL(script.src).origin
  const start = () => new ChatWidget(base, script.dataset.account!, script.dataset.name ?? '')
  if (document.body) start()
  else document.addEventListener('DOMContentLoaded', start)
}
