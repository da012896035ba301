// The business administrator's catalogs as data: where each lives in the REST API and which of its fields a person
// sets. One component (CatalogEditor.vue) lists, creates, changes and deletes any of them, so a catalog the API
// gains is a few lines here. The API validates every field and names the one at fault; the console only shapes
// what is typed into JSON.

export type FieldKind =
  | 'text' // a string
  | 'long' // a string over several lines
  | 'number'
  | 'bool'
  | 'list' // strings, typed comma-separated
  | 'counts' // {name: number}, typed "webchat=3, email=5"
  | 'choice' // one of `choices`
  | 'json' // any JSON value, typed as JSON
  | 'secret' // a string never shown again once stored
  | 'parent' // the id of another item of the same catalog (a topic's parent), picked from the list

export interface Field {
  key: string
  kind: FieldKind
  choices?: string[]
  required?: boolean
  // Part of the item's identity: set when it is created, never changed.
  fixed?: boolean
  // Not a column of the list (long texts, secrets).
  hidden?: boolean
}

export type Item = Record<string, unknown>

export interface Catalog {
  name: string
  path: string
  // Added to the list's GET only.
  query?: string
  // The key of the list in the GET answer.
  list: string
  // The item's path below `path`.
  key: (item: Item) => string
  fields: Field[]
  // How an item is changed: PATCH with the fields, PUT with all of them, or not at all (delete and create again).
  change: 'patch' | 'put' | null
  // A change carries the version it was read at, so two administrators never silently overwrite each other.
  versioned?: boolean
  // What the list answers, flattened to rows (the topics come as a tree).
  rows?: (answer: Item) => Item[]
  // Actions of one item beyond changing and deleting, each a POST below it.
  actions?: Array<{ name: string; path: string }>
}

const channels = ['webchat', 'email', 'vk', 'whatsapp', 'voice']

interface TreeNode extends Item {
  children?: TreeNode[]
}
// A tree the API answers under `list` (topics, template catalogs), flattened depth first, each name indented.
function treeRows(list: string): (answer: Item) => Item[] {
  return (answer) => {
    const rows: Item[] = []
    const walk = (nodes: TreeNode[], depth: number) => {
      for (const node of nodes) {
        rows.push({ ...node, name: `${'— '.repeat(depth)}${String(node.name)}` })
        walk(node.children ?? [], depth + 1)
      }
    }
    walk((answer[list] as TreeNode[]) ?? [], 0)
    return rows
  }
}

export const catalogs: Catalog[] = [
  {
    name: 'operatorGroups',
    path: '/api/v1/operator-groups',
    list: 'operator_groups',
    key: (i) => String(i.id),
    fields: [
      { key: 'id', kind: 'text', required: true, fixed: true },
      { key: 'name', kind: 'text', required: true },
      { key: 'queues', kind: 'list' },
    ],
    change: 'patch',
    versioned: true,
  },
  {
    name: 'operators',
    path: '/api/v1/operators',
    list: 'operators',
    key: (i) => String(i.id),
    fields: [
      { key: 'id', kind: 'text', required: true, fixed: true },
      { key: 'name', kind: 'text', required: true },
      { key: 'capacities', kind: 'counts' },
      { key: 'groups', kind: 'list' },
      { key: 'branch', kind: 'text' },
      { key: 'workplace', kind: 'text' },
    ],
    change: 'patch',
    versioned: true,
  },
  {
    name: 'branches',
    path: '/api/v1/branches',
    list: 'branches',
    key: (i) => String(i.id),
    fields: [
      { key: 'id', kind: 'text', required: true, fixed: true },
      { key: 'name', kind: 'text', required: true },
    ],
    change: 'patch',
  },
  {
    name: 'workplaces',
    path: '/api/v1/workplaces',
    list: 'workplaces',
    key: (i) => String(i.id),
    fields: [
      { key: 'id', kind: 'text', required: true, fixed: true },
      { key: 'name', kind: 'text', required: true },
      { key: 'branch_id', kind: 'text' },
      { key: 'sip_uri', kind: 'text' },
    ],
    change: 'patch',
  },
  {
    name: 'breakReasons',
    path: '/api/v1/break-reasons',
    list: 'break_reasons',
    key: (i) => String(i.id),
    fields: [
      { key: 'id', kind: 'text', required: true, fixed: true },
      { key: 'name', kind: 'text', required: true },
    ],
    change: null,
  },
  {
    name: 'topics',
    path: '/api/v1/topics',
    list: 'topics',
    key: (i) => String(i.id),
    fields: [
      { key: 'name', kind: 'text', required: true },
      { key: 'parent_id', kind: 'parent' },
    ],
    change: 'patch',
    rows: treeRows('topics'),
  },
  {
    name: 'templateCatalogs',
    path: '/api/v1/template-catalogs',
    list: 'catalogs',
    key: (i) => String(i.id),
    fields: [
      { key: 'name', kind: 'text', required: true },
      { key: 'parent_id', kind: 'parent' },
    ],
    change: 'patch',
    rows: treeRows('catalogs'),
  },
  {
    // The shared response templates (docs/templates.md); operators keep personal ones from their workspace.
    name: 'templates',
    path: '/api/v1/templates',
    query: 'limit=500',
    list: 'templates',
    key: (i) => String(i.id),
    fields: [
      { key: 'title', kind: 'text', required: true },
      { key: 'text', kind: 'long', required: true },
      { key: 'shortcut', kind: 'text' },
      { key: 'catalog_id', kind: 'number' },
      { key: 'queues', kind: 'list' },
      { key: 'channels', kind: 'list' },
      { key: 'files', kind: 'list', hidden: true },
    ],
    change: 'patch',
    versioned: true,
  },
  {
    name: 'blacklist',
    path: '/api/v1/blacklist',
    query: 'limit=200',
    list: 'entries',
    key: (i) => String(i.id),
    fields: [
      { key: 'kind', kind: 'choice', choices: ['email', 'phone', 'whatsapp', 'vk', 'webchat'], required: true, fixed: true },
      { key: 'value', kind: 'text', required: true, fixed: true },
      { key: 'reason', kind: 'text', fixed: true },
    ],
    change: null,
  },
  {
    name: 'spamWords',
    path: '/api/v1/spam-words',
    list: 'spam_words',
    key: (i) => String(i.id),
    fields: [{ key: 'word', kind: 'text', required: true, fixed: true }],
    change: null,
  },
  {
    name: 'autoReplies',
    path: '/api/v1/auto-replies',
    list: 'auto_replies',
    key: (i) => String(i.id),
    fields: [
      { key: 'name', kind: 'text', required: true },
      { key: 'channel', kind: 'choice', choices: channels, required: true },
      { key: 'account', kind: 'text', required: true },
      { key: 'queue', kind: 'text' },
      { key: 'trigger', kind: 'choice', choices: ['new_interaction', 'out_of_hours'], required: true },
      { key: 'body', kind: 'long', required: true },
      { key: 'working_hours', kind: 'json', hidden: true },
      { key: 'active', kind: 'bool' },
    ],
    change: 'patch',
  },
  {
    name: 'whatsappTemplates',
    path: '/api/v1/whatsapp/templates',
    list: 'templates',
    key: (i) => `${encodeURIComponent(String(i.name))}/${encodeURIComponent(String(i.language))}`,
    fields: [
      { key: 'name', kind: 'text', required: true, fixed: true },
      { key: 'language', kind: 'text', required: true, fixed: true },
      { key: 'category', kind: 'choice', choices: ['UTILITY', 'MARKETING', 'AUTHENTICATION'], required: true },
      { key: 'status', kind: 'choice', choices: ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED'] },
      { key: 'body', kind: 'long', required: true },
      { key: 'accounts', kind: 'list' },
    ],
    change: 'put',
    versioned: true,
  },
  {
    name: 'apiTokens',
    path: '/api/v1/api-tokens',
    list: 'api_tokens',
    key: (i) => String(i.id),
    fields: [
      { key: 'name', kind: 'text', required: true, fixed: true },
      { key: 'scopes', kind: 'list', required: true, fixed: true },
    ],
    change: null,
  },
  {
    name: 'crmSubscriptions',
    path: '/api/v1/integrations/crm/subscriptions',
    list: 'subscriptions',
    key: (i) => encodeURIComponent(String(i.id)),
    fields: [
      { key: 'id', kind: 'text', fixed: true },
      { key: 'url', kind: 'text', required: true },
      { key: 'secret', kind: 'secret', required: true, hidden: true },
      { key: 'events', kind: 'list', required: true },
      { key: 'active', kind: 'bool' },
    ],
    change: 'patch',
    versioned: true,
    actions: [{ name: 'redeliver', path: 'redeliver' }],
  },
]
