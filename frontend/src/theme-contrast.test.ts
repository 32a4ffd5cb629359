import css from "./styles.css?raw";
import { describe, expect, it } from "vitest";

// WCAG 2.x contrast of the theme's text/background pairs, read from the stylesheet itself, so a
// colour change that breaks AA (4.5:1 for body text) fails the build.

function variables(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)) out[m[1]] = m[2];
  return out;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const darkStart = css.indexOf("@media (prefers-color-scheme: dark)");
const themes = {
  light: variables(css.slice(0, darkStart)),
  dark: { ...variables(css.slice(0, darkStart)), ...variables(css.slice(darkStart)) },
};
const pairs: [string, string][] = [
  ["fg", "bg"],
  ["fg", "panel"],
  ["muted", "bg"],
  ["muted", "panel"],
  ["accent", "bg"],
  ["accent", "panel"],
  ["accent-fg", "accent"],
  ["error", "bg"],
  ["error", "panel"],
  ["mark-fg", "mark-bg"],
];

describe("theme colours", () => {
  for (const [name, vars] of Object.entries(themes)) {
    for (const [fg, bg] of pairs) {
      it(`${name}: --${fg} on --${bg} passes WCAG AA (4.5:1)`, () => {
        expect(vars[fg], `--${fg}`).toMatch(/^#/);
        expect(vars[bg], `--${bg}`).toMatch(/^#/);
        expect(contrast(vars[fg], vars[bg])).toBeGreaterThanOrEqual(4.5);
      });
    }
  }
});
