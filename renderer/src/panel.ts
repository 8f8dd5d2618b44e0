import type { PanelView } from '../../core/api/station-api';

/**
 * One millimetre on the kiosk's panel, in CSS pixels: the panel's physical
 * pixels per millimetre divided by the device pixel ratio (Electron's screen
 * scale factor, which Chromium applies to every CSS pixel).
 */
export function cssPixelsPerMm(panel: PanelView, devicePixelRatio: number): number {
  return panel.dpi / 25.4 / (devicePixelRatio > 0 ? devicePixelRatio : 1);
}

/** Sets `--mm` on the page, from which app.css sizes all text and targets. */
export function applyPanelDensity(root: HTMLElement, panel: PanelView): void {
  root.style.setProperty('--mm', `${cssPixelsPerMm(panel, window.devicePixelRatio).toFixed(4)}px`);
}
