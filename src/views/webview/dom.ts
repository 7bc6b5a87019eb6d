/** Small DOM helpers for the Insights view (no framework; everything under a strict CSP). */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { text?: string; cls?: string; id?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | string | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.text !== undefined) {
    e.textContent = props.text;
  }
  if (props.cls) {
    e.className = props.cls;
  }
  if (props.id) {
    e.id = props.id;
  }
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== undefined && c !== false) {
      e.append(c);
    }
  }
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  return e;
}

export function button(label: string, onActivate: () => void, attrs: Record<string, string> = {}, cls = ''): HTMLButtonElement {
  const b = el('button', { text: label, cls, attrs: { type: 'button', ...attrs } });
  b.addEventListener('click', onActivate);
  return b;
}

/**
 * Roving focus for a list: one item is in the tab order; arrows/Home/End move between items,
 * Enter/Space activate the focused one. Items are the container's `[data-roving]` descendants.
 */
export function rovingList(container: HTMLElement, onActivate?: (item: HTMLElement) => void): void {
  const items = () => Array.from(container.querySelectorAll<HTMLElement>('[data-roving]'));
  const all = items();
  all.forEach((it, i) => (it.tabIndex = i === 0 ? 0 : -1));
  container.addEventListener('keydown', (ev) => {
    const list = items();
    const cur = list.indexOf(document.activeElement as HTMLElement);
    if (cur < 0) {
      return;
    }
    let next: number;
    switch (ev.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        next = Math.min(list.length - 1, cur + 1);
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        next = Math.max(0, cur - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = list.length - 1;
        break;
      case 'Enter':
      case ' ':
        if (onActivate && ev.target === list[cur]) {
          ev.preventDefault();
          onActivate(list[cur]);
        }
        return;
      default:
        return;
    }
    ev.preventDefault();
    list[cur].tabIndex = -1;
    list[next].tabIndex = 0;
    list[next].focus();
  });
  container.addEventListener('focusin', (ev) => {
    const list = items();
    const t = ev.target as HTMLElement;
    if (list.includes(t)) {
      list.forEach((it) => (it.tabIndex = it === t ? 0 : -1));
    }
  });
}
