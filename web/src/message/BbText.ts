// Renders BB-code text (bbcode.ts) as Vue nodes: every piece of user text is a text node, links
// carry only the hrefs safeHref allows and open in a new tab without an opener, and the messenger's
// own codes become its controls (mentions and chat links open the dialog, [SEND] sends, [PUT]
// fills the composer, [CALL] is a tel: link). No HTML string is ever produced.
import { computed, defineComponent, h, type PropType, type VNode, type VNodeChild } from 'vue'
import { parse, formatTimestamp, type Node } from './bbcode'
import { openDialog, putText, sendText, telHref } from './actions'
import { displayName, users } from '../state/users'
import { session } from '../state/session'
import { dialogLink } from '../router'
import { fileSize } from './rich'
import type { DialogId, FileInfo } from '../state/types'

const IMG_SIZE = { small: 'max-h-24 max-w-[8rem]', medium: 'max-h-48 max-w-[16rem]', large: 'max-h-80 max-w-full' }

const linkClass = 'text-(--ui-color-accent-main-link) underline underline-offset-2 hover:no-underline'
const actionClass =
  'inline p-0 m-0 bg-transparent border-0 cursor-pointer text-(--ui-color-accent-main-link) underline decoration-dashed underline-offset-2 hover:decoration-solid font-[inherit]'

/** A private dialog written `U1:U2` is the dialog with whichever of the two is not the reader. */
function ownDialogId(dialogId: string): string {
  const m = /^(\d+):(\d+)$/.exec(dialogId)
  if (!m) return dialogId
  const me = String(session.user?.id ?? 0)
  return m[1] === me ? m[2] : m[1]
}

export default defineComponent({
  name: 'BbText',
  props: {
    /** The raw BB-code text, or its parsed `nodes` when the caller has them already. */
    text: { type: String, default: '' },
    nodes: { type: Array as PropType<Node[]>, default: null },
    dialogId: { type: String as PropType<DialogId>, required: true },
    files: { type: Object as PropType<Map<number, FileInfo>>, default: () => new Map() },
    /** Renders `[ATTACH=id]` in place; without it the placeholder shows nothing. */
    attach: { type: Function as PropType<(id: string) => VNodeChild>, default: null },
  },
  setup(props) {
    const nodes = computed(() => props.nodes ?? parse(props.text))

    const error = (e: unknown) => console.warn('message action failed', e)

    function link(href: string, children: VNodeChild[]): VNode {
      // The messenger's own deep links stay in the page.
      if (href.startsWith('/online')) {
        return h('a', { href, class: linkClass, onClick: (e: MouseEvent) => (e.preventDefault(), openHref(href)) }, children)
      }
      return h('a', { href, class: linkClass, target: '_blank', rel: 'noopener noreferrer' }, children)
    }
    function openHref(href: string) {
      const q = new URL(href, window.location.origin).searchParams
      const d = q.get('IM_DIALOG')
      if (d) openDialog(d, Number(q.get('IM_MESSAGE') ?? 0))
    }

    function render(list: Node[], inLink: boolean): VNodeChild[] {
      return list.map((n) => one(n, inLink))
    }

    function one(n: Node, inLink: boolean): VNodeChild {
      switch (n.t) {
        case 'text':
          return n.v
        case 'br':
          return h('br')
        case 'b':
          return h('strong', render(n.c, inLink))
        case 'i':
          return h('em', render(n.c, inLink))
        case 'u':
          return h('u', render(n.c, inLink))
        case 's':
          return h('s', render(n.c, inLink))
        case 'pch':
          return h('span', render(n.c, inLink))
        case 'size':
          return h('span', { style: { fontSize: `${n.px}px`, lineHeight: 1.3 } }, render(n.c, inLink))
        case 'color':
          return h('span', { style: { color: n.color } }, render(n.c, inLink))
        case 'link':
          return inLink ? h('span', render(n.c, true)) : link(n.href, render(n.c, true))
        case 'user': {
          const label = n.c.length ? render(n.c, true) : [n.id === 'all' ? 'all' : displayName(n.id)]
          if (n.id === 'all' || inLink) return h('span', { class: 'font-semibold', 'data-test': 'bb-mention' }, label)
          const id = n.id
          return h(
            'a',
            {
              href: dialogLink(String(id)),
              class: 'font-semibold text-(--ui-color-accent-main-link) hover:underline',
              'data-test': 'bb-mention',
              title: users.get(id)?.name ?? undefined,
              onClick: (e: MouseEvent) => (e.preventDefault(), openDialog(String(id))),
            },
            label,
          )
        }
        case 'dialog': {
          const target = ownDialogId(n.dialogId)
          if (inLink || !/^(chat\d+|\d+)$/.test(target)) return h('span', { class: 'font-semibold' }, render(n.c, true))
          return h(
            'a',
            {
              href: dialogLink(target) + (n.messageId ? `&IM_MESSAGE=${n.messageId}` : ''),
              class: linkClass,
              'data-test': 'bb-dialog',
              onClick: (e: MouseEvent) => (e.preventDefault(), openDialog(target, n.messageId)),
            },
            n.c.length ? render(n.c, true) : [target],
          )
        }
        case 'put':
        case 'send': {
          const label = n.c.length ? render(n.c, true) : [n.value]
          if (inLink) return h('span', label)
          const put = n.t === 'put'
          return h(
            'button',
            {
              type: 'button',
              class: actionClass,
              'data-test': put ? 'bb-put' : 'bb-send',
              title: put ? `Put “${n.value}” into the message box` : `Send “${n.value}”`,
              onClick: () => (put ? putText(props.dialogId, n.value) : sendText(props.dialogId, n.value).catch(error)),
            },
            label,
          )
        }
        case 'call': {
          const label = n.c.length ? render(n.c, true) : [n.number]
          return inLink ? h('span', label) : h('a', { href: telHref(n.number), class: linkClass, 'data-test': 'bb-call' }, label)
        }
        case 'code':
          return h(
            'pre',
            { class: 'my-1 p-2 rounded bg-(--ui-color-bg-content-tertiary) text-[13px] overflow-x-auto whitespace-pre font-mono', 'data-test': 'bb-code' },
            [h('code', n.v)],
          )
        case 'img': {
          const img = h('img', { src: n.src, alt: '', loading: 'lazy', class: `inline-block rounded ${IMG_SIZE[n.size]}`, referrerpolicy: 'no-referrer' })
          return inLink ? img : h('a', { href: n.src, target: '_blank', rel: 'noopener noreferrer', 'data-test': 'bb-img' }, [img])
        }
        case 'icon':
          return h('img', {
            src: n.src,
            alt: n.title || 'icon',
            title: n.title || undefined,
            width: n.size,
            height: n.size,
            loading: 'lazy',
            referrerpolicy: 'no-referrer',
            class: 'inline-block align-text-bottom',
            'data-test': 'bb-icon',
          })
        case 'timestamp': {
          const d = new Date(n.ts * 1000)
          return h('time', { datetime: Number.isNaN(d.getTime()) ? undefined : d.toISOString() }, formatTimestamp(n.ts, n.format))
        }
        case 'disk': {
          const f = props.files.get(n.id)
          if (!f) return h('span', { class: 'opacity-70' }, `[file ${n.id}]`)
          const label = `${f.name}${f.size ? ` (${fileSize(f.size)})` : ''}`
          return f.urlDownload && !inLink ? link(String(f.urlDownload), [label]) : h('span', label)
        }
        case 'attach':
          return props.attach ? props.attach(n.id) : null
        case 'rating':
          return h('span', { 'aria-label': `Rating ${n.n} of 5`, class: 'text-(--ui-color-accent-main-warning)' }, '★'.repeat(n.n) + '☆'.repeat(5 - n.n))
        case 'quote':
          return h(
            'blockquote',
            {
              class: 'my-1 pl-2 border-l-2 border-(--ui-color-accent-main-primary) bg-(--ui-color-bg-content-tertiary)/40 rounded-r py-0.5 pr-2',
              'data-test': 'bb-quote',
            },
            [
              n.author
                ? h('div', { class: 'text-xs font-semibold opacity-80' }, [n.author, h('span', { class: 'font-normal opacity-70 ml-1' }, n.date)])
                : null,
              h('div', render(n.c, inLink)),
            ],
          )
      }
      return null
    }

    return () => h('div', { class: 'bb whitespace-pre-wrap break-words' }, render(nodes.value, false))
  },
})
