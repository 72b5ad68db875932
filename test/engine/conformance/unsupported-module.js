// A module the built-in engine does not implement: refused before any load.
import { browser } from 'k6/browser';

export default function () {
  browser.newPage();
}
