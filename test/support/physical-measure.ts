/**
 * What the physical-sizes acceptance suite measures on a page, in the page: every
 * interactive element's box, the gaps between them, the cap height of every piece
 * of text, the contrast of every text against what lies behind it, and the focus
 * ring of whatever has focus. Millimetres come from the station's panel density
 * and the page's device pixel ratio, the way the kiosk derives them.
 *
 * Kept free of closures over test code and imports: `measureScreen` runs in the browser.
 */

export type MeasuredTarget = { readonly id: string; readonly widthMm: number; readonly heightMm: number };
export type MeasuredGap = { readonly between: string; readonly mm: number };
export type MeasuredText = {
  readonly id: string;
  readonly text: string;
  readonly capMm: number;
  readonly contrast: number;
};
export type ScreenMeasurement = {
  readonly targets: readonly MeasuredTarget[];
  readonly gaps: readonly MeasuredGap[];
  readonly texts: readonly MeasuredText[];
  /** Cap height of the page's body text (the root font size). */
  readonly bodyCapMm: number;
  /** Contrast of the page's body text colour on its background. */
  readonly bodyContrast: number;
  /** The element with focus and its focus ring; null when focus is on no element of the page. */
  readonly focus: FocusStop | null;
};
export type FocusStop = {
  readonly id: string;
  /** Zero-sized or invisible: a Tab stop that lands on nothing. */
  readonly empty: boolean;
  readonly ringContrast: number;
  readonly ringWidthMm: number;
};

/**
 * Runs in the page. `pxPerMm`: CSS pixels per millimetre on the panel; with
 * `focusOnly`, only the focused element is measured (one Tab stop of many).
 */
export function measureScreen({ pxPerMm, focusOnly }: { pxPerMm: number; focusOnly: boolean }): ScreenMeasurement {
  type Rgba = [number, number, number, number];
  const parse = (color: string): Rgba => {
    const m = /rgba?\(([^)]+)\)/u.exec(color);
    if (!m?.[1]) return [0, 0, 0, 0];
    const parts = m[1].split(/[\s,/]+/u).filter((p) => p !== '');
    const n = parts.map((p) => Number.parseFloat(p));
    return [n[0] ?? 0, n[1] ?? 0, n[2] ?? 0, parts[3] === undefined ? 1 : (n[3] ?? 1)];
  };
  const over = (top: Rgba, bottom: Rgba): Rgba => {
    const a = top[3];
    return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
  };
  const luminance = (c: Rgba): number => {
    const channel = (v: number): number => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  };
  const ratio = (a: Rgba, b: Rgba): number => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
    return (hi + 0.05) / (lo + 0.05);
  };
  const backgroundOf = (element: Element | null): Rgba => {
    const layers: Rgba[] = [];
    for (let e = element; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let result: Rgba = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const opacityOf = (element: Element): number => {
    let o = 1;
    for (let e: Element | null = element; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const name = (e: Element): string =>
    e.getAttribute('data-testid') ??
    `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''}`;
  const visible = (e: Element): boolean => {
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const canvas = document.createElement('canvas').getContext('2d');
  const capCache = new Map<string, number>();
  const capHeightPx = (style: CSSStyleDeclaration): number => {
    const font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const cached = capCache.get(font);
    if (cached !== undefined) return cached;
    if (!canvas) return 0;
    canvas.font = font;
    const cap = canvas.measureText('H').actualBoundingBoxAscent;
    capCache.set(font, cap);
    return cap;
  };

  const focusStop = (): FocusStop | null => {
    const active = document.activeElement;
    if (!active || active === document.body) return null;
    const r = active.getBoundingClientRect();
    const style = getComputedStyle(active);
    const none = style.outlineStyle === 'none';
    const ring = parse(style.outlineColor);
    const behind = backgroundOf(active.parentElement);
    return {
      id: name(active),
      empty: r.width < 1 || r.height < 1,
      ringContrast: none ? 0 : ratio(ring, behind),
      ringWidthMm: none ? 0 : Number.parseFloat(style.outlineWidth) / pxPerMm,
    };
  };
  if (focusOnly) return { targets: [], gaps: [], texts: [], bodyCapMm: 0, bodyContrast: 0, focus: focusStop() };

  // A modal dialog hides the rest of the page from the voter: only it is measured.
  const modal = document.querySelector('[aria-modal="true"]');
  const scope: Element = modal ?? document.body;

  const interactive = [
    ...scope.querySelectorAll('button, input, a[href], select, textarea, [tabindex]:not([tabindex="-1"])'),
  ].filter(visible);
  const targets = interactive.map((e) => {
    const r = e.getBoundingClientRect();
    return { id: name(e), widthMm: r.width / pxPerMm, heightMm: r.height / pxPerMm };
  });
  // The settings bar and the navigation float over a scrolled page (sticky): what scrolls under them
  // cannot be touched there, so a gap is measured between what the voter can see and touch.
  const floating = [...document.querySelectorAll('*')].filter((e) =>
    ['sticky', 'fixed'].includes(getComputedStyle(e).position),
  );
  const touchable = (e: Element): DOMRect | null => {
    const r = e.getBoundingClientRect();
    let top = r.top;
    let bottom = r.bottom;
    for (const bar of floating) {
      if (bar.contains(e) || e.contains(bar)) continue;
      const b = bar.getBoundingClientRect();
      if (b.bottom <= top || b.top >= bottom || b.left >= r.right || b.right <= r.left) continue;
      if (b.top <= top) top = Math.max(top, b.bottom);
      else bottom = Math.min(bottom, b.top);
    }
    return bottom - top > 0.5 ? new DOMRect(r.left, top, r.width, bottom - top) : null;
  };
  const gaps: MeasuredGap[] = [];
  for (let i = 0; i < interactive.length; i++) {
    for (let j = i + 1; j < interactive.length; j++) {
      const a = interactive[i] as Element;
      const b = interactive[j] as Element;
      if (a.contains(b) || b.contains(a)) continue;
      const ra = touchable(a);
      const rb = touchable(b);
      if (!ra || !rb) continue;
      const dx = Math.max(0, rb.left - ra.right, ra.left - rb.right);
      const dy = Math.max(0, rb.top - ra.bottom, ra.top - rb.bottom);
      const mm = Math.hypot(dx, dy) / pxPerMm;
      if (mm < 10) gaps.push({ between: `${name(a)} | ${name(b)}`, mm });
    }
  }

  const texts: MeasuredText[] = [];
  for (const e of scope.querySelectorAll('*')) {
    if (!visible(e) || e.closest('[data-size-sample]')) continue;
    const own = [...e.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent ?? '')
      .join('')
      .trim();
    if (own === '') continue;
    const style = getComputedStyle(e);
    const fg = parse(style.color);
    const bg = backgroundOf(e);
    const shown = over([fg[0], fg[1], fg[2], fg[3] * opacityOf(e)], bg);
    texts.push({
      id: name(e),
      text: own.slice(0, 40),
      capMm: capHeightPx(style) / pxPerMm,
      contrast: ratio(shown, bg),
    });
  }
  const rootStyle = getComputedStyle(document.documentElement);
  const bodyStyle = getComputedStyle(document.body);
  return {
    targets,
    gaps,
    texts,
    bodyCapMm: capHeightPx(rootStyle) / pxPerMm,
    bodyContrast: ratio(parse(bodyStyle.color), backgroundOf(document.body)),
    focus: focusStop(),
  };
}
