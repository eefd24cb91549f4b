// The HTML of an ATTACH `HTML` block or a link's `HTML`, reduced to a few harmless elements and
// rendered as Vue nodes: text stays text, links keep only an href that safeHref allows, every other
// element and attribute (scripts, styles, images, event handlers) is dropped with its markup.
// DOMParser builds an inert document: nothing in it runs or loads.
import { h, type VNodeChild } from 'vue'
import { safeHref } from './bbcode'

const KEEP: Record<string, string> = {
  b: 'strong', strong: 'strong', i: 'em', em: 'em', u: 'u', s: 's', strike: 's', del: 's',
  p: 'p', div: 'div', span: 'span', br: 'br', ul: 'ul', ol: 'ol', li: 'li', code: 'code', pre: 'pre',
  blockquote: 'blockquote', h1: 'strong', h2: 'strong', h3: 'strong', h4: 'strong', h5: 'strong', h6: 'strong',
  small: 'small', sub: 'sub', sup: 'sup',
}
const DROP = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript', 'svg', 'math', 'head', 'title'])
const MAX_NODES = 5000
const MAX_DEPTH = 32

export function htmlToVNodes(html: string): VNodeChild[] {
  const doc = new DOMParser().parseFromString(html, 'text/html')
  let budget = MAX_NODES
  const walk = (list: NodeListOf<ChildNode>, depth: number): VNodeChild[] => {
    const out: VNodeChild[] = []
    for (const n of Array.from(list)) {
      if (--budget < 0) break
      if (n.nodeType === Node.TEXT_NODE) {
        out.push(n.textContent ?? '')
        continue
      }
      if (n.nodeType !== Node.ELEMENT_NODE) continue
      const el = n as Element
      const tag = el.tagName.toLowerCase()
      if (DROP.has(tag)) continue
      const children = depth < MAX_DEPTH ? walk(el.childNodes, depth + 1) : [el.textContent ?? '']
      if (tag === 'a') {
        const href = safeHref(el.getAttribute('href') ?? '')
        out.push(href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'underline text-(--ui-color-accent-main-link)' }, children) : h('span', children))
      } else if (KEEP[tag]) {
        out.push(tag === 'br' ? h('br') : h(KEEP[tag], children))
      } else {
        out.push(...children)
      }
    }
    return out
  }
  return walk(doc.body.childNodes, 0)
}
