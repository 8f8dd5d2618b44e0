/**
 * Where keyboard focus goes on the voter's screens: to the top of each new
 * screen, and into and back out of each dialog.
 */

/**
 * A new screen opens at its top, with focus on its heading, so a keyboard or
 * screen-reader user starts where a sighted voter does.
 */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => {
    window.scrollTo({ top: 0, left: 0, behavior: 'instant' });
    node.focus({ preventScroll: true });
  });
}

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

function focusables(node: HTMLElement): HTMLElement[] {
  return [...node.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => e.getClientRects().length > 0);
}

/**
 * A modal dialog: everything else on the page is inert while it is open (no
 * pointer, no focus, hidden from screen readers), Tab and Shift+Tab go round
 * inside it, focus starts on its `[data-autofocus]` element (or its first
 * control) and returns, when it closes, to where it was before it opened.
 */
export function modal(node: HTMLElement): { destroy(): void } {
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const madeInert: HTMLElement[] = [];
  for (let e: HTMLElement | null = node; e && e !== document.body; e = e.parentElement) {
    for (const sibling of e.parentElement?.children ?? []) {
      if (sibling === e || !(sibling instanceof HTMLElement) || sibling.inert) continue;
      sibling.inert = true;
      madeInert.push(sibling);
    }
  }
  function onkeydown(event: KeyboardEvent): void {
    if (event.key !== 'Tab') return;
    const all = focusables(node);
    const first = all[0];
    const last = all.at(-1);
    if (!first || !last) return;
    const inside = node.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }
  // On the document, so a Tab that has somehow left the dialog is caught too.
  document.addEventListener('keydown', onkeydown);
  queueMicrotask(() => (node.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(node)[0])?.focus());
  return {
    destroy(): void {
      document.removeEventListener('keydown', onkeydown);
      for (const e of madeInert) e.inert = false;
      if (returnTo?.isConnected) returnTo.focus();
    },
  };
}
