/**
 * The tactile keypad's key map. A USB keypad is a keyboard: its keys arrive as
 * KeyboardEvent codes (the numeric keypad's codes do not depend on Num Lock), and
 * the arrow keys and Enter of a regular keyboard do the same. docs/AUDIO.md prints
 * this table for poll workers and for the keypad's tactile labels.
 */
export type KeypadAction =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'select'
  | 'back'
  | 'help'
  | 'repeat'
  | 'volume-up'
  | 'volume-down'
  | 'rate-up'
  | 'rate-down'
  | 'blank';

export const KEYPAD_MAP: Readonly<Record<string, KeypadAction>> = {
  Numpad8: 'up',
  ArrowUp: 'up',
  Numpad2: 'down',
  ArrowDown: 'down',
  Numpad4: 'left',
  ArrowLeft: 'left',
  Numpad6: 'right',
  ArrowRight: 'right',
  Numpad5: 'select',
  NumpadEnter: 'select',
  Enter: 'select',
  Numpad1: 'back',
  Escape: 'back',
  NumpadMultiply: 'help',
  F1: 'help',
  Numpad0: 'repeat',
  F2: 'repeat',
  NumpadAdd: 'volume-up',
  NumpadSubtract: 'volume-down',
  Numpad9: 'rate-up',
  Numpad7: 'rate-down',
  NumpadDecimal: 'blank',
};

/** Keys that start the audio ballot when it is off: only the keypad's, so a sighted voter's arrows do nothing new. */
export const START_ACTIONS: ReadonlySet<KeypadAction> = new Set(['help', 'repeat']);

export function keypadAction(event: Pick<KeyboardEvent, 'code'>): KeypadAction | undefined {
  return KEYPAD_MAP[event.code];
}
