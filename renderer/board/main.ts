import { mount } from 'svelte';
import BoardPage from './BoardPage.svelte';
import './board.css';

const target = document.getElementById('board');
if (!target) throw new Error('the page has no #board element');
mount(BoardPage, { target });
