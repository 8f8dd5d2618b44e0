/**
 * Moves keyboard focus to a screen's heading when the screen appears, so a
 * keyboard or screen-reader user starts at the top of each new screen.
 */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}
