import { afterEach, beforeEach } from 'vitest';

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  document.documentElement.lang = '';
  delete document.documentElement.dataset.theme;
});

afterEach(() => {
  localStorage.clear();
});
