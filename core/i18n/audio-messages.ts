/**
 * What only the audio ballot says: the keypad's instructions and the words that a
 * screen shows with colour or layout (marked, not marked, the end of a list). The
 * keys are in docs/AUDIO.md's key map; both tables must have the same keys.
 */
export const audioEn = {
  'audio.welcome':
    'Audio ballot. Use the keypad. Up and down arrows move between choices; the centre key, five, chooses. Right goes forward, left goes back. Star repeats the help for this screen, zero repeats what was said. Plus and minus change the volume, seven and nine the speed. The full stop hides or shows the screen.',
  'audio.help.language': 'Press up or down to hear the languages, and the centre key to choose one.',
  'audio.help.contest':
    'Up and down move between the choices. The centre key marks a choice, or removes its mark. Right goes to the next contest, left to the previous one.',
  'audio.help.writeIn':
    'Up and down move through the letters; the centre key types the letter you hear. Right finishes the name, left deletes the last letter. Zero reads the name typed so far.',
  'audio.help.review':
    'Up and down move through the contests with your choices. The centre key goes back to change a contest. Right continues.',
  'audio.help.confirm': 'Up and down move between the two choices; the centre key chooses.',
  'audio.help.done': 'Take your receipt. Press the centre key to finish.',
  'audio.marked': 'marked',
  'audio.notMarked': 'not marked',
  'audio.unmarked': 'mark removed',
  'audio.endOfList': 'end of the list',
  'audio.nameSoFar': 'Name so far:',
  'audio.nameEmpty': 'Nothing typed yet.',
  'audio.screenHidden': 'The screen is now dark. Press the full stop to show it again.',
  'audio.screenShown': 'The screen is shown again.',
  'audio.louder': 'Louder',
  'audio.quieter': 'Quieter',
  'audio.faster': 'Faster',
  'audio.slower': 'Slower',
} as const;

export type AudioMessageKey = keyof typeof audioEn;

export const audioRu: Record<AudioMessageKey, string> = {
  'audio.welcome':
    'Голосование со звуком. Пользуйтесь клавишами. Стрелки вверх и вниз переходят между вариантами; центральная клавиша, пять, выбирает. Вправо — дальше, влево — назад. Звёздочка повторяет подсказку для этого экрана, ноль повторяет сказанное. Плюс и минус меняют громкость, семь и девять — скорость. Точка скрывает или показывает экран.',
  'audio.help.language': 'Нажимайте вверх или вниз, чтобы услышать языки, и центральную клавишу, чтобы выбрать.',
  'audio.help.contest':
    'Вверх и вниз переходят между вариантами. Центральная клавиша отмечает вариант или снимает отметку. Вправо — следующий вопрос, влево — предыдущий.',
  'audio.help.writeIn':
    'Вверх и вниз перебирают буквы; центральная клавиша вводит услышанную букву. Вправо — имя готово, влево — стереть последнюю букву. Ноль читает набранное.',
  'audio.help.review':
    'Вверх и вниз переходят по вопросам с вашим выбором. Центральная клавиша возвращает к вопросу, чтобы изменить выбор. Вправо — далее.',
  'audio.help.confirm': 'Вверх и вниз переходят между двумя вариантами; центральная клавиша выбирает.',
  'audio.help.done': 'Возьмите квитанцию. Нажмите центральную клавишу, чтобы завершить.',
  'audio.marked': 'отмечено',
  'audio.notMarked': 'не отмечено',
  'audio.unmarked': 'отметка снята',
  'audio.endOfList': 'конец списка',
  'audio.nameSoFar': 'Набрано:',
  'audio.nameEmpty': 'Пока ничего не набрано.',
  'audio.screenHidden': 'Экран погашен. Нажмите точку, чтобы снова его показать.',
  'audio.screenShown': 'Экран снова виден.',
  'audio.louder': 'Громче',
  'audio.quieter': 'Тише',
  'audio.faster': 'Быстрее',
  'audio.slower': 'Медленнее',
};
