import { mergeConfig } from 'vite';
import kiosk from './vite.config';

// The bulletin-board page (renderer/board), built like the kiosk's renderer but
// served by every validator under /board/ (validator/board-page.ts), so its
// assets are addressed from there; it runs in voters' own browsers, not only Chromium 120+.
export default mergeConfig(kiosk, {
  root: 'renderer/board',
  base: '/board/',
  build: { outDir: '../../dist/board', target: 'es2022' },
});
