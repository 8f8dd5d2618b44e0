import { mergeConfig } from 'vite';
import kiosk from './vite.config';

// The bulletin-board page (renderer/board), built like the kiosk's renderer:
// served by every validator under /board/ (validator/board-page.ts) and by any
// static mirror under <anywhere>/board/ (urna record board), so its assets are
// addressed relative to it; it runs in voters' own browsers, not only Chromium 120+.
export default mergeConfig(kiosk, {
  root: 'renderer/board',
  base: './',
  build: { outDir: '../../dist/board', target: 'es2022' },
});
